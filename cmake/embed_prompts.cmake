# Compiles the prompt templates in config/prompts/ into the binary, so synthgen works alone.
# Each file becomes an entry {name, text} of synthgen::builtin_prompt_table().
function(synthgen_embed_prompts)
  cmake_parse_arguments(ARG "" "OUTPUT" "PROMPTS" ${ARGN})
  set(entries "")
  foreach(prompt_file ${ARG_PROMPTS})
    get_filename_component(name ${prompt_file} NAME_WE)
    file(READ ${prompt_file} text)
    string(FIND "${text}" ")SYNTHGEN_PROMPT\"" clash)
    if(NOT clash EQUAL -1)
      message(FATAL_ERROR "${prompt_file} contains the raw-string delimiter")
    endif()
    string(APPEND entries "    {\"${name}\", R\"SYNTHGEN_PROMPT(${text})SYNTHGEN_PROMPT\"},\n")
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${prompt_file})
  endforeach()
  file(WRITE ${ARG_OUTPUT}.tmp
"// Generated from config/prompts/ by cmake/embed_prompts.cmake: do not edit.
#include \"synthgen/core/prompt.hpp\"

namespace synthgen {

std::span<const BuiltinPrompt> builtin_prompt_table() {
  static constexpr BuiltinPrompt table[] = {
${entries}  };
  return table;
}

}  // namespace synthgen
")
  file(COPY_FILE ${ARG_OUTPUT}.tmp ${ARG_OUTPUT} ONLY_IF_DIFFERENT)
endfunction()

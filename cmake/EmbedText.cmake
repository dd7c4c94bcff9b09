# cmake -DOUTPUT=file.inc -DINPUTS="Name=path,..." -P EmbedText.cmake
# Writes `static const char kNameSource[] = R"(...)";` for each input.
set(content "// Generated from the kernel library; do not edit.\n")
string(REPLACE "," ";" entries "${INPUTS}")
foreach(entry ${entries})
  string(REPLACE "=" ";" pair "${entry}")
  list(GET pair 0 name)
  list(GET pair 1 path)
  file(READ "${path}" text)
  string(APPEND content "static const char k${name}Source[] = R\"ffnk(${text})ffnk\";\n")
endforeach()
file(WRITE "${OUTPUT}.tmp" "${content}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)

# Copies onnx.proto from IN to OUT without `option optimize_for = LITE_RUNTIME`.
file(READ ${IN} schema)
string(REGEX REPLACE "option[ \t]+optimize_for[ \t]*=[ \t]*LITE_RUNTIME[ \t]*;" "" schema "${schema}")
file(WRITE ${OUT} "${schema}")

//===- Profile.h - ffn-run --profile ----------------------------*- C++ -*-===//

#ifndef FFN_RUN_PROFILE_H
#define FFN_RUN_PROFILE_H

#include "Options.h"

#include "ffn/Runtime/ffnrt.h"

/// Times every launch of `model` on the inputs set last, prints a table per
/// launch, per kernel and per layer, and writes --profile-json. Returns why
/// it cannot, or "".
std::string profileModel(const Options &options, ffnrt_model *model);

#endif // FFN_RUN_PROFILE_H

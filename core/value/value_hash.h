#pragma once

#include "core/util/sha256.h"
#include "core/value/value.h"

namespace sciagents::core {
// Feeds a canonical byte form of `v` (kind tags, shapes, raw IEEE doubles, sorted map keys) into
// the hash: equal values hash equally; any differing element changes the digest.
void hashValue(Sha256& h, const Value& v);
}  // namespace sciagents::core

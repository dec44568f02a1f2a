// Text helpers shared by the whole core and its front ends: trimming, ASCII lower case, and
// numbers in messages with named precisions, so that every message keeps the precision it was
// written with and no file carries its own copy of snprintf("%.6g").
#pragma once

#include <string>
#include <string_view>

namespace sciagents::core {

inline constexpr std::string_view kWhitespace = " \t\r\n";  // trim()'s default
inline constexpr std::string_view kBlanks = " \t";          // spaces and tabs only

// `s` without leading and trailing characters from `chars`.
std::string trim(std::string_view s, std::string_view chars = kWhitespace);
// ASCII lower case (other bytes unchanged).
std::string toLower(std::string s);

// printf("%.*g", digits, v): `digits` significant digits, trailing zeros dropped.
std::string formatSignificant(double v, int digits);
inline std::string formatRough(double v) { return formatSignificant(v, 3); }     // %.3g
inline std::string formatBrief(double v) { return formatSignificant(v, 4); }     // %.4g
inline std::string formatCompact(double v) { return formatSignificant(v, 6); }   // %.6g (= %g)
inline std::string formatFine(double v) { return formatSignificant(v, 8); }      // %.8g
inline std::string formatPrecise(double v) { return formatSignificant(v, 10); }  // %.10g
// %.17g: every double reads back exactly.
inline std::string formatExact(double v) { return formatSignificant(v, 17); }
// A count or size: a whole number below 1e9 in full ("1048576"), anything else as %.3g.
std::string formatCount(double v);
// The shortest text that reads back as exactly `v` (std::to_chars), e.g. 0.1 -> "0.1".
std::string formatShortest(double v);

}  // namespace sciagents::core

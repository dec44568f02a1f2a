// Route registration and matching (server/route_table.h).
#include "server/route_table.h"

#include <stdexcept>

namespace sciagents::server {

namespace {

bool isParam(const std::string& segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

std::vector<std::string> split(const std::string& pattern) {
  if (pattern.empty() || pattern[0] != '/')
    throw std::logic_error("route pattern '" + pattern + "' must start with '/'");
  std::vector<std::string> out;
  std::size_t start = 1;
  while (start <= pattern.size()) {
    const auto slash = pattern.find('/', start);
    const auto end = slash == std::string::npos ? pattern.size() : slash;
    out.push_back(pattern.substr(start, end - start));
    start = end + 1;
  }
  if (pattern == "/") out.clear();
  return out;
}

}  // namespace

const RouteTable::Method* RouteTable::Pattern::find(const std::string& method) const {
  for (const auto& m : methods)
    if (m.name == method) return &m;
  return nullptr;
}

std::string RouteTable::Pattern::allow() const {
  std::string out;
  for (const auto& m : methods) out += (out.empty() ? "" : ", ") + m.name;
  return out;
}

void RouteTable::add(const std::string& method, const std::string& pattern, Access access,
                     RouteHandler handler) {
  for (auto& p : m_patterns) {
    if (p.text != pattern) continue;
    if (p.access != access)
      throw std::logic_error("route " + pattern + " was added with another access");
    if (p.find(method)) throw std::logic_error("route " + method + " " + pattern + " added twice");
    p.methods.push_back({method, std::move(handler)});
    return;
  }
  Pattern p;
  p.text = pattern;
  p.segments = split(pattern);
  p.access = access;
  p.methods.push_back({method, std::move(handler)});
  m_patterns.push_back(std::move(p));
}

const RouteTable::Pattern* RouteTable::match(const std::vector<std::string>& segments,
                                             std::vector<std::string>& params) const {
  for (const auto& p : m_patterns) {
    if (p.segments.size() != segments.size()) continue;
    params.clear();
    bool ok = true;
    for (std::size_t i = 0; i < segments.size() && ok; ++i) {
      if (isParam(p.segments[i]))
        params.push_back(segments[i]);
      else
        ok = p.segments[i] == segments[i];
    }
    if (ok) return &p;
  }
  params.clear();
  return nullptr;
}

}  // namespace sciagents::server

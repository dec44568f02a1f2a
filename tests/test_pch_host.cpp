// Host of a shared precompiled header (tests/test_pch.h): the tests of its group reuse the header
// this target compiles (target_precompile_headers REUSE_FROM). Not a test; never run.
int main() { return 0; }

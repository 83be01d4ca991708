// The build's version, set by CMake from project(VERSION) and the git commit.
#pragma once

namespace domainguard {

inline constexpr const char* kVersion = DG_VERSION;
inline constexpr const char* kGitCommit = DG_GIT_COMMIT;

}  // namespace domainguard

#include "controller/base/log.h"

#include <string>

#include <spdlog/sinks/stdout_color_sinks.h>

namespace domainguard {

void InitLogging(std::string_view level) {
  spdlog::drop("domainguard");
  auto logger = spdlog::stderr_color_mt("domainguard", spdlog::color_mode::never);
  spdlog::set_default_logger(logger);
  // %E is epoch seconds; spdlog 1.10 formats local time unless told UTC.
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  auto lvl = spdlog::level::from_str(std::string(level));
  if (lvl == spdlog::level::off && level != "off") lvl = spdlog::level::info;
  spdlog::set_level(lvl);
}

}  // namespace domainguard

// HelpText, PrintDefaults and PrintNonDefaults: every line comes from the
// options table, so what is printed is exactly what the parser accepts.
#include <sstream>

#include "config/option_entry.h"
#include "config/options_table.h"

namespace ar {

namespace {

std::string Assignment(const std::string& name, const std::string& value) {
  // Postfix prints an empty value as "name =", without a trailing space.
  return value.empty() ? name + " =\n" : name + " = " + value + "\n";
}

// "  --name VALUE   description", the description wrapped at word
// boundaries to fit an 80-column terminal.
void AppendFlagLine(std::ostringstream& out, const std::string& usage,
                    const std::string& description) {
  constexpr size_t kColumn = 34;
  constexpr size_t kWidth = 79;
  out << "  " << usage;
  size_t column = usage.size() + 2;
  if (column + 2 > kColumn) {
    out << "\n";
    column = 0;
  }
  out << std::string(kColumn - column, ' ');
  column = kColumn;
  std::istringstream words(description);
  std::string word;
  bool first = true;
  while (words >> word) {
    if (!first && column + 1 + word.size() > kWidth) {
      out << "\n" << std::string(kColumn, ' ');
      column = kColumn;
      first = true;
    }
    if (!first) {
      out << ' ';
      ++column;
    }
    out << word;
    column += word.size();
    first = false;
  }
  out << "\n";
}

}  // namespace

std::string HelpText(const std::string& program, const std::vector<ProgramFlag>& program_flags) {
  std::ostringstream out;
  out << "Usage: " << program << " [options]\n\n";
  out << "Program options:\n";
  AppendFlagLine(out, "-h, --help", "Show this help and exit.");
  AppendFlagLine(out, "--config FILE",
                 "Read settings from FILE (see autoresponder-milter.conf(5)).");
  for (const ProgramFlag& flag : program_flags) {
    std::string description = flag.description;
    if (flag.repeatable) description += " May be given more than once.";
    AppendFlagLine(out, "--" + flag.name + (flag.takes_value ? " VALUE" : ""), description);
  }
  out << "\nSettings (also accepted in the config file as \"name = value\"; the command\n"
         "line overrides the file):\n";
  for (const OptionInfo& info : OptionsTable()) {
    std::string description = info.description;
    if (info.repeatable) description += " May be given more than once.";
    description +=
        " Default: " + (info.default_value.empty() ? "(empty)" : info.default_value) + ".";
    AppendFlagLine(out, "--" + info.name + " VALUE", description);
  }
  return out.str();
}

std::string PrintDefaults() {
  std::string out;
  for (const OptionInfo& info : OptionsTable()) out += Assignment(info.name, info.default_value);
  return out;
}

std::string PrintNonDefaults(const Config& config) {
  std::string out;
  for (const OptionEntry& entry : OptionEntries()) {
    std::string value = entry.print(config);
    if (value != entry.info.default_value) out += Assignment(entry.info.name, value);
  }
  return out;
}

}  // namespace ar

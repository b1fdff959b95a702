// Fuzzes the Istio rule reader: no input may crash it, and whatever it accepts
// must survive toYaml() -> parseRules() unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/rule_yaml.h"

namespace {

[[noreturn]] void die(const char* what, const std::string& detail)
{
    std::fprintf(stderr, "fuzz_rule_yaml: %s\n%s\n", what, detail.c_str());
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace concord::core;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const Result<RuleDocuments> parsed = parseRules(input, "<fuzz>");
    if (!parsed.ok()) {
        if (parsed.error().message.empty())
            die("error without a message", parsed.error().toString());
        return 0;
    }

    std::string written;
    for (const VirtualService& vs : parsed->virtualServices)
        written += "---\n" + toYaml(vs);
    for (const DestinationRule& dr : parsed->destinationRules)
        written += "---\n" + toYaml(dr);

    const Result<RuleDocuments> reread = parseRules(written, "<written>");
    if (!reread.ok())
        die("written rules do not read back", reread.error().toString() + "\n" + written);
    if (reread->virtualServices != parsed->virtualServices ||
        reread->destinationRules != parsed->destinationRules)
        die("written rules read back different", written);
    return 0;
}

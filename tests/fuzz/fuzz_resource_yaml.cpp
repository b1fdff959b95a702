// Fuzzes the Resource manifest reader: no input may crash it or throw, every
// rejection has a message, and whatever it accepts must survive toYaml() ->
// parseResourceYaml() unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/resource.h"

namespace {

[[noreturn]] void die(const char* what, const std::string& detail)
{
    std::fprintf(stderr, "fuzz_resource_yaml: %s\n%s\n", what, detail.c_str());
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace concord::core;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const Result<ResourceSpec> parsed = parseResourceYaml(input, "<fuzz>");
    if (!parsed.ok()) {
        if (parsed.error().message.empty())
            die("error without a message", parsed.error().toString());
        return 0;
    }
    if (!validateResourceSpec(*parsed).ok())
        die("accepted an invalid spec", validateResourceSpec(*parsed).error().toString());

    Resource resource;
    resource.spec = *parsed;
    const std::string written = toYaml(resource);
    const Result<ResourceSpec> reread = parseResourceYaml(written, "<written>");
    if (!reread.ok())
        die("written manifest does not read back", reread.error().toString() + "\n" + written);
    if (*reread != *parsed)
        die("written manifest reads back different", written);
    return 0;
}

// Helper for tst_journal's durability test: appends transitions to one update
// of a journal and prints each seq to stdout once recordTransition() has
// returned (= acknowledged), until `last` or until it is killed.
//   journal_crash_writer JOURNAL UPDATE_ID LAST
// Resumes after the update's last recorded transition, like concordd would.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "controller/journal.h"

using concord::controller::Journal;
using concord::controller::Transition;

int main(int argc, char** argv)
{
    if (argc != 4) {
        std::fprintf(stderr, "usage: %s JOURNAL UPDATE_ID LAST\n", argv[0]);
        return 2;
    }
    const std::string updateId = argv[2];
    const long long last = std::atoll(argv[3]);
    auto journal = Journal::open(argv[1]);
    if (!journal) {
        std::fprintf(stderr, "%s\n", journal.error().toString().c_str());
        return 1;
    }
    auto update = (*journal)->update(updateId);
    if (!update || !*update) {
        std::fprintf(stderr, "update %s not found\n", updateId.c_str());
        return 1;
    }
    const auto& previous = (*update)->lastTransition;
    for (long long seq = previous ? previous->seq + 1 : 1; seq <= last; ++seq) {
        Transition t;
        t.seq = seq;
        t.phase = static_cast<concord::core::UpdatePhase>(1 + seq % 6);
        t.state = "step";
        t.detailJson = "{\"n\":" + std::to_string(seq) + "}";
        auto recorded = (*journal)->recordTransition(updateId, t);
        if (!recorded || !*recorded) {
            std::fprintf(stderr, "seq %lld: %s\n", seq,
                         recorded ? "not recorded" : recorded.error().toString().c_str());
            return 1;
        }
        std::printf("%lld\n", seq);
        std::fflush(stdout);
    }
    return 0;
}

#pragma once

// The parameters of a re-orchestration and their valid ranges (DESIGN.md §8,
// docs/orchestrator-api.md): the console's form checks what the operator
// types against the same ranges the orchestrator enforces, and says so in the
// same words, before anything is sent. Nothing here adjusts a value: an
// invalid one is reported, never clamped.

#include <QCoreApplication>
#include <QString>
#include <optional>

#include "backend_clients/orchestrator_client.h"

namespace concord::models {

// Mirrors core/orchestration.h (kMinMaxInstances …), which the console does
// not link: keep both in step with DESIGN.md §8.
inline constexpr int kMinMaxInstances = 3;
inline constexpr int kMaxMaxInstances = 100;
inline constexpr int kMinResourcePerInstance = 1;
inline constexpr int kMaxResourcePerInstance = 5000;
inline constexpr int kMinInitInstances = 1;
inline constexpr int kDefaultInitInstances = 10;

class OrchestrationParameters final
{
    Q_DECLARE_TR_FUNCTIONS(concord::models::OrchestrationParameters)

public:
    enum Field
    {
        InitInstances,
        MaxInstances,
        ResourcePerInstance,
        FieldCount
    };

    // The field's name in the REST API (and in the server's messages).
    static QString key(Field field);
    static int minimum(Field field);
    // initInstances may go up to maxInstances: `maxInstances` is the value
    // typed for it (ignored when itself out of range, then 100 bounds it).
    static int maximum(Field field, int maxInstances);
    // "3–100"; "1–50" for initInstances under maxInstances 50, "1–maxInstances"
    // while maxInstances is invalid.
    static QString rangeText(Field field, std::optional<int> maxInstances);
    // What the field means and its range, for tooltips.
    static QString description(Field field);
    // What the server uses when initInstances is left out.
    static int defaultInitInstances(int maxInstances);

    // Empty when `value` is valid, else e.g. "maxInstances must be between 3
    // and 100, got 2".
    static QString check(Field field, qint64 value, std::optional<int> maxInstances);
    // Checks typed text: a whole number in range (an empty initInstances is
    // the server's default). Sets *value when valid.
    static QString checkText(Field field, const QString& text, std::optional<int> maxInstances,
                             int* value);
    // The first invalid parameter, in the order the server checks them
    // (maxInstances, resourcePerInstance, initInstances); empty when valid.
    static QString validate(const backend_clients::OrchestrationParametersDto& parameters);

    struct Plan
    {
        int instances = 0;
        int resourcePerInstance = 0;  // after the "fewer than initInstances" adjustment
    };
    // What the orchestrator would do with `count` resources (§8). nullopt
    // with the server's message ("require instances more than the max:
    // n/max", or the validation message) when it would refuse.
    static std::optional<Plan> plan(qint64 count,
                                    const backend_clients::OrchestrationParametersDto& parameters,
                                    QString* error);
};

}  // namespace concord::models

#include "models/orchestration_parameters.h"

#include <algorithm>

namespace concord::models {

namespace {

using Dto = backend_clients::OrchestrationParametersDto;
using Field = OrchestrationParameters::Field;

bool validMax(std::optional<int> maxInstances)
{
    return maxInstances && *maxInstances >= kMinMaxInstances && *maxInstances <= kMaxMaxInstances;
}

}  // namespace

QString OrchestrationParameters::key(Field field)
{
    switch (field) {
        case InitInstances:
            return QStringLiteral("initInstances");
        case MaxInstances:
            return QStringLiteral("maxInstances");
        case ResourcePerInstance:
            return QStringLiteral("resourcePerInstance");
        default:
            return {};
    }
}

int OrchestrationParameters::minimum(Field field)
{
    switch (field) {
        case InitInstances:
            return kMinInitInstances;
        case MaxInstances:
            return kMinMaxInstances;
        case ResourcePerInstance:
            return kMinResourcePerInstance;
        default:
            return 0;
    }
}

int OrchestrationParameters::maximum(Field field, int maxInstances)
{
    switch (field) {
        case InitInstances:
            return validMax(maxInstances) ? maxInstances : kMaxMaxInstances;
        case MaxInstances:
            return kMaxMaxInstances;
        case ResourcePerInstance:
            return kMaxResourcePerInstance;
        default:
            return 0;
    }
}

QString OrchestrationParameters::rangeText(Field field, std::optional<int> maxInstances)
{
    if (field == InitInstances && !validMax(maxInstances))
        return tr("%1–maxInstances").arg(minimum(field));
    return tr("%1–%2").arg(minimum(field)).arg(maximum(field, maxInstances.value_or(0)));
}

QString OrchestrationParameters::description(Field field)
{
    switch (field) {
        case InitInstances:
            return tr("initInstances: the fewest instances to spread the resources over, %1 to "
                      "maxInstances. With fewer resources than that many instances would need, "
                      "each instance gets an equal share. Empty: %2, or maxInstances when that "
                      "is smaller.")
                .arg(kMinInitInstances)
                .arg(kDefaultInitInstances);
        case MaxInstances:
            return tr("maxInstances: the most instances (pods) the orchestrator may create, %1 to "
                      "%2. If the resources need more, the orchestration is refused.")
                .arg(kMinMaxInstances)
                .arg(kMaxMaxInstances);
        case ResourcePerInstance:
            return tr("resourcePerInstance: how many resources one instance takes at most, %1 to "
                      "%2. The orchestrator plans count / resourcePerInstance + 1 instances.")
                .arg(kMinResourcePerInstance)
                .arg(kMaxResourcePerInstance);
        default:
            return {};
    }
}

int OrchestrationParameters::defaultInitInstances(int maxInstances)
{
    return std::min(kDefaultInitInstances, maxInstances);
}

QString OrchestrationParameters::check(Field field, qint64 value, std::optional<int> maxInstances)
{
    if (field == InitInstances && !validMax(maxInstances)) {
        // Its upper bound is unknown until maxInstances is valid: only the
        // bounds that hold for any maxInstances are checked here.
        if (value < kMinInitInstances || value > kMaxMaxInstances)
            return tr("%1 must be between %2 and maxInstances, got %3")
                .arg(key(field))
                .arg(kMinInitInstances)
                .arg(value);
        return {};
    }
    const int low = minimum(field);
    const int high = maximum(field, maxInstances.value_or(0));
    if (value >= low && value <= high)
        return {};
    if (field == InitInstances)
        return tr("%1 must be between %2 and maxInstances (%3), got %4")
            .arg(key(field))
            .arg(low)
            .arg(high)
            .arg(value);
    return tr("%1 must be between %2 and %3, got %4").arg(key(field)).arg(low).arg(high).arg(value);
}

QString OrchestrationParameters::checkText(Field field, const QString& text,
                                           std::optional<int> maxInstances, int* value)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty()) {
        if (field == InitInstances && validMax(maxInstances)) {
            *value = defaultInitInstances(*maxInstances);
            return {};
        }
        if (field == InitInstances)
            return {};  // the default follows maxInstances, which reports its own error
        return tr("%1 is required (%2)").arg(key(field), rangeText(field, maxInstances));
    }
    bool ok = false;
    const qlonglong number = trimmed.toLongLong(&ok);
    if (!ok)
        return tr("%1 must be a whole number (%2), got \"%3\"")
            .arg(key(field), rangeText(field, maxInstances), trimmed);
    if (QString error = check(field, number, maxInstances); !error.isEmpty())
        return error;
    *value = int(number);
    return {};
}

QString OrchestrationParameters::validate(const Dto& parameters)
{
    if (QString error = check(MaxInstances, parameters.maxInstances, std::nullopt);
        !error.isEmpty())
        return error;
    if (QString error = check(ResourcePerInstance, parameters.resourcePerInstance, std::nullopt);
        !error.isEmpty())
        return error;
    return check(InitInstances, parameters.initInstances, parameters.maxInstances);
}

std::optional<OrchestrationParameters::Plan> OrchestrationParameters::plan(qint64 count,
                                                                           const Dto& parameters,
                                                                           QString* error)
{
    if (QString invalid = validate(parameters); !invalid.isEmpty()) {
        *error = invalid;
        return std::nullopt;
    }
    const qint64 needed = std::max<qint64>(count, 0) / parameters.resourcePerInstance + 1;
    if (needed > parameters.maxInstances) {
        *error = tr("require instances more than the max: %1/%2")
                     .arg(needed)
                     .arg(parameters.maxInstances);
        return std::nullopt;
    }
    if (needed < parameters.initInstances) {
        const int instances = parameters.initInstances;
        return Plan{instances, int(std::max<qint64>(count, 0) / instances + 1)};
    }
    return Plan{int(needed), parameters.resourcePerInstance};
}

}  // namespace concord::models

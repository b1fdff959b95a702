#include "ctl_command.h"

#include <absl/status/status.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "concord/v1/mesh.grpc.pb.h"
#include "concord/v1/server.grpc.pb.h"
#include "concord/v1/update.grpc.pb.h"
#include "daemon_options.h"

namespace concord::controller {

namespace {

namespace v1 = concord::v1;

constexpr const char* kUsage = R"(usage: concordd ctl [options] <command> [arguments]

A client of a running concordd, for scripts and CI.

commands:
  info                         server version, driver, mesh and your role
  services                     services with their serving versions
  tree SERVICE                 a service's version tree
  rules SERVICE                the VirtualService/DestinationRule in force
  register SERVICE NAME --parent P [--image I]
                               add a version to a service's tree
  plan SERVICE VERSION         the rules of every phase (no change is made)
  start SERVICE VERSION        start an update; prints its id
  watch ID                     follow an update until it finishes; exit 0 iff completed
  list [SERVICE]               unfinished updates (running or awaiting resume)
  abort ID [--reason R]        abort; the rules go back to a consistent state
  force-retire ID --reason R --yes
                               retire with the DiffSet not empty (possible violations)
  history [--service S] [--limit N]
                               finished updates, newest first

options:
  --controller HOST:PORT   daemon address (default $CONCORD_CONTROLLER or 127.0.0.1:7443)
  --token T                bearer token (default $CONCORD_TOKEN)
  --token-file F           read the token from the first line of F
  --tls-ca F               verify the server with this CA (enables TLS)
  --tls-cert F --tls-key F client certificate for mTLS
  --strategy S             cv (default), bf, wf, naive
  --yes-naive              acknowledge that naive may mix versions
  --straggler-ttl MS       DiffSet ids older than this are stragglers
  --timeout MS             WF/BF give up (and roll back) after this long
  --api-version V          Istio API version of planned rules: v1, v1beta1, v1alpha3
  --deadline S             give up a call (or a watch) after S seconds
  --json                   one JSON object per response line
  --help                   this text
)";

struct CtlOptions
{
    std::string controller;
    std::string token;
    std::string tlsCa, tlsCert, tlsKey;
    std::string strategy = "cv";
    bool naiveAck = false;
    double stragglerTtlMs = 0;
    double timeoutMs = 0;
    std::string apiVersion = "v1";
    double deadlineS = 0;
    bool json = false;
    bool yes = false;
    std::string reason, parent, image, service;
    int limit = 20;
    std::vector<std::string> positional;
};

std::optional<double> toNumber(const std::string& text)
{
    double value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || !std::isfinite(value) || value < 0)
        return std::nullopt;
    return value;
}

std::optional<std::string> readFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string envOr(const char* name, std::string fallback)
{
    const char* value = std::getenv(name);
    return value && *value ? std::string(value) : fallback;
}

// Flags that take a value, and where it goes.
bool takeValue(CtlOptions& o, const std::string& flag, const std::string& value, std::ostream& err)
{
    auto number = [&](double& target) {
        const auto parsed = toNumber(value);
        if (!parsed)
            err << "concordd ctl: " << flag << " needs a non-negative number, got '" << value
                << "'\n";
        else
            target = *parsed;
        return parsed.has_value();
    };
    if (flag == "--controller")
        o.controller = value;
    else if (flag == "--token")
        o.token = value;
    else if (flag == "--token-file") {
        const auto text = readFile(value);
        if (!text) {
            err << "concordd ctl: cannot read the token file " << value << "\n";
            return false;
        }
        o.token = text->substr(0, text->find_first_of("\r\n"));
    } else if (flag == "--tls-ca")
        o.tlsCa = value;
    else if (flag == "--tls-cert")
        o.tlsCert = value;
    else if (flag == "--tls-key")
        o.tlsKey = value;
    else if (flag == "--strategy")
        o.strategy = value;
    else if (flag == "--straggler-ttl")
        return number(o.stragglerTtlMs);
    else if (flag == "--timeout")
        return number(o.timeoutMs);
    else if (flag == "--api-version")
        o.apiVersion = value;
    else if (flag == "--deadline")
        return number(o.deadlineS);
    else if (flag == "--reason")
        o.reason = value;
    else if (flag == "--parent")
        o.parent = value;
    else if (flag == "--image")
        o.image = value;
    else if (flag == "--service")
        o.service = value;
    else if (flag == "--limit") {
        double limit = 0;
        if (!number(limit) || limit < 1 || limit > 1000) {
            err << "concordd ctl: --limit must be 1…1000\n";
            return false;
        }
        o.limit = static_cast<int>(limit);
    } else {
        err << "concordd ctl: unknown option " << flag << "\n";
        return false;
    }
    return true;
}

std::optional<CtlOptions> parseArgs(const std::vector<std::string>& args, std::ostream& err,
                                    bool& help)
{
    CtlOptions o;
    o.controller = envOr("CONCORD_CONTROLLER", "127.0.0.1:7443");
    o.token = envOr("CONCORD_TOKEN", "");
    if (o.token.empty()) {
        // A local daemon started without a token file writes its token here.
        if (const auto text = readFile(defaultTokenPath()))
            o.token = text->substr(0, text->find_first_of("\r\n"));
    }
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--help" || a == "-h") {
            help = true;
            return o;
        }
        if (a == "--json")
            o.json = true;
        else if (a == "--yes")
            o.yes = true;
        else if (a == "--yes-naive")
            o.naiveAck = true;
        else if (a.rfind("--", 0) == 0) {
            if (i + 1 >= args.size()) {
                err << "concordd ctl: " << a << " needs a value\n";
                return std::nullopt;
            }
            if (!takeValue(o, a, args[++i], err))
                return std::nullopt;
        } else {
            o.positional.push_back(a);
        }
    }
    return o;
}

std::shared_ptr<grpc::Channel> makeChannel(const CtlOptions& o, std::ostream& err)
{
    if (o.tlsCa.empty() && o.tlsCert.empty())
        return grpc::CreateChannel(o.controller, grpc::InsecureChannelCredentials());
    grpc::SslCredentialsOptions ssl;
    for (const auto& [path, target] :
         {std::pair{o.tlsCa, &ssl.pem_root_certs}, std::pair{o.tlsCert, &ssl.pem_cert_chain},
          std::pair{o.tlsKey, &ssl.pem_private_key}}) {
        if (path.empty())
            continue;
        const auto text = readFile(path);
        if (!text) {
            err << "concordd ctl: cannot read " << path << "\n";
            return nullptr;
        }
        *target = *text;
    }
    return grpc::CreateChannel(o.controller, grpc::SslCredentials(ssl));
}

// Enum value names without their prefix, lower case: UPDATE_PHASE_DRAIN → "drain".
std::string shortName(const std::string& full, std::string_view prefix)
{
    std::string name = full.rfind(prefix, 0) == 0 ? full.substr(prefix.size()) : full;
    for (char& c : name)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return name;
}
std::string phaseName(v1::UpdatePhase p)
{
    return shortName(v1::UpdatePhase_Name(p), "UPDATE_PHASE_");
}
std::string stateName(v1::UpdateState s)
{
    return shortName(v1::UpdateState_Name(s), "UPDATE_STATE_");
}
std::string strategyName(v1::UpdateStrategy s)
{
    return shortName(v1::UpdateStrategy_Name(s), "UPDATE_STRATEGY_");
}

bool isFinalState(v1::UpdateState s)
{
    return s == v1::UPDATE_STATE_COMPLETED || s == v1::UPDATE_STATE_FORCE_RETIRED ||
           s == v1::UPDATE_STATE_ABORTED || s == v1::UPDATE_STATE_TIMED_OUT ||
           s == v1::UPDATE_STATE_FAILED;
}

std::string toJson(const google::protobuf::Message& message)
{
    std::string json;
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = true;
    (void)google::protobuf::util::MessageToJsonString(message, &json, options);
    return json;
}

class Ctl final
{
public:
    Ctl(CtlOptions options, std::shared_ptr<grpc::Channel> channel, std::ostream& out,
        std::ostream& err)
        : m_o(std::move(options)),
          m_out(out),
          m_err(err),
          m_mesh(v1::MeshService::NewStub(channel)),
          m_updates(v1::UpdateService::NewStub(channel)),
          m_server(v1::ServerService::NewStub(channel))
    {}

    int run()
    {
        const std::string command = m_o.positional.empty() ? "" : m_o.positional[0];
        if (command == "info")
            return info();
        if (command == "services")
            return services();
        if (command == "tree")
            return tree();
        if (command == "rules")
            return rules();
        if (command == "register")
            return registerVersion();
        if (command == "plan")
            return plan();
        if (command == "start")
            return start();
        if (command == "watch")
            return watch();
        if (command == "list")
            return list();
        if (command == "abort")
            return abort();
        if (command == "force-retire")
            return forceRetire();
        if (command == "history")
            return history();
        m_err << "concordd ctl: unknown command '" << command << "'\n" << kUsage;
        return 2;
    }

private:
    std::unique_ptr<grpc::ClientContext> context(bool stream = false) const
    {
        auto ctx = std::make_unique<grpc::ClientContext>();
        if (!m_o.token.empty())
            ctx->AddMetadata("authorization", "Bearer " + m_o.token);
        const double seconds = m_o.deadlineS > 0 ? m_o.deadlineS : (stream ? 0 : 30);
        if (seconds > 0)
            ctx->set_deadline(std::chrono::system_clock::now() +
                              std::chrono::milliseconds(static_cast<long>(seconds * 1000)));
        return ctx;
    }

    int failed(const grpc::Status& status) const
    {
        m_err << "concordd ctl: " << statusName(status.error_code()) << ": "
              << status.error_message() << "\n";
        return 1;
    }

    // gRPC's codes are abseil's: same numbers, same names.
    static std::string statusName(grpc::StatusCode code)
    {
        const std::string name = absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
        return name.empty() ? std::to_string(static_cast<int>(code)) : name;
    }

    bool needArgs(std::size_t count, const char* usage) const
    {
        if (m_o.positional.size() == count + 1)
            return true;
        m_err << "concordd ctl: usage: " << usage << "\n";
        return false;
    }

    const std::string& arg(std::size_t i) const { return m_o.positional[i]; }

    std::optional<v1::UpdateStrategy> strategy() const
    {
        v1::UpdateStrategy value{};
        std::string upper = "UPDATE_STRATEGY_";
        for (char c : m_o.strategy)
            upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (!v1::UpdateStrategy_Parse(upper, &value) || value == v1::UPDATE_STRATEGY_UNSPECIFIED) {
            m_err << "concordd ctl: --strategy must be cv, bf, wf or naive\n";
            return std::nullopt;
        }
        return value;
    }

    static void setDuration(google::protobuf::Duration* d, double ms)
    {
        d->set_seconds(static_cast<std::int64_t>(ms / 1000));
        d->set_nanos(static_cast<std::int32_t>(std::fmod(ms, 1000.0) * 1e6));
    }

    void fillOptions(v1::UpdateOptions* options) const
    {
        if (m_o.stragglerTtlMs > 0)
            setDuration(options->mutable_straggler_ttl(), m_o.stragglerTtlMs);
        if (m_o.timeoutMs > 0)
            setDuration(options->mutable_timeout(), m_o.timeoutMs);
    }

    int info()
    {
        v1::GetServerInfoResponse response;
        const auto status = m_server->GetServerInfo(context().get(), {}, &response);
        if (!status.ok())
            return failed(status);
        if (m_o.json) {
            m_out << toJson(response) << "\n";
            return 0;
        }
        m_out << "concordd " << response.server_version() << " (api " << response.api_version()
              << "), driver " << shortName(v1::DriverKind_Name(response.driver()), "DRIVER_KIND_")
              << ", mesh " << response.mesh_name() << "\n"
              << "you are " << response.caller_name() << " ("
              << shortName(v1::Role_Name(response.caller_role()), "ROLE_") << ")\n";
        return 0;
    }

    int services()
    {
        v1::ListServicesResponse response;
        const auto status = m_mesh->ListServices(context().get(), {}, &response);
        if (!status.ok())
            return failed(status);
        if (m_o.json) {
            m_out << toJson(response) << "\n";
            return 0;
        }
        m_out << std::left << std::setw(24) << "SERVICE" << std::setw(10) << "VERSIONS"
              << std::setw(20) << "SERVING"
              << "UPDATE\n";
        for (const auto& s : response.services()) {
            std::string serving;
            for (const auto& v : s.serving_versions())
                serving += (serving.empty() ? "" : ",") + v;
            m_out << std::setw(24) << s.name() << std::setw(10) << s.version_count()
                  << std::setw(20) << serving << s.active_update_id() << "\n";
        }
        return 0;
    }

    int tree()
    {
        if (!needArgs(1, "tree SERVICE"))
            return 2;
        v1::GetVersionTreeRequest request;
        request.set_service(arg(1));
        v1::GetVersionTreeResponse response;
        const auto status = m_mesh->GetVersionTree(context().get(), request, &response);
        if (!status.ok())
            return failed(status);
        if (m_o.json) {
            m_out << toJson(response) << "\n";
            return 0;
        }
        for (const auto& v : response.tree().versions())
            m_out << v.name() << " parent=" << (v.parent().empty() ? "-" : v.parent())
                  << " state=" << shortName(v1::VersionState_Name(v.state()), "VERSION_STATE_")
                  << " instances=" << v.instances_size() << " image=" << v.image() << "\n";
        return 0;
    }

    int rules()
    {
        if (!needArgs(1, "rules SERVICE"))
            return 2;
        v1::GetRulesRequest request;
        request.set_service(arg(1));
        v1::GetRulesResponse response;
        const auto status = m_mesh->GetRules(context().get(), request, &response);
        if (!status.ok())
            return failed(status);
        m_out << (m_o.json ? toJson(response) + "\n" : response.rules_yaml());
        return 0;
    }

    int registerVersion()
    {
        if (!needArgs(2, "register SERVICE NAME --parent P [--image I]"))
            return 2;
        v1::RegisterVersionRequest request;
        request.set_service(arg(1));
        request.set_name(arg(2));
        request.set_parent(m_o.parent);
        request.set_image(m_o.image);
        v1::RegisterVersionResponse response;
        const auto status = m_mesh->RegisterVersion(context().get(), request, &response);
        if (!status.ok())
            return failed(status);
        m_out << (m_o.json ? toJson(response)
                           : "registered " + response.version().service() + " " +
                                 response.version().name())
              << "\n";
        return 0;
    }

    int plan()
    {
        if (!needArgs(2, "plan SERVICE VERSION"))
            return 2;
        const auto s = strategy();
        if (!s)
            return 2;
        v1::PlanUpdateRequest request;
        request.set_service(arg(1));
        request.set_target_version(arg(2));
        request.set_strategy(*s);
        fillOptions(request.mutable_options());
        v1::IstioApiVersion api{};
        std::string upper = "ISTIO_API_VERSION_";
        for (char c : m_o.apiVersion)
            upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (!v1::IstioApiVersion_Parse(upper, &api)) {
            m_err << "concordd ctl: --api-version must be v1, v1beta1 or v1alpha3\n";
            return 2;
        }
        request.set_istio_api_version(api);
        v1::PlanUpdateResponse response;
        const auto status = m_updates->PlanUpdate(context().get(), request, &response);
        if (!status.ok())
            return failed(status);
        if (m_o.json) {
            m_out << toJson(response) << "\n";
            return 0;
        }
        const auto& plan = response.plan();
        m_out << "# " << plan.service() << " " << plan.from_version() << " -> "
              << plan.target_version() << " (" << strategyName(plan.strategy()) << ")\n";
        for (const auto& w : plan.warnings())
            m_out << "# warning: " << w << "\n";
        for (const auto& phase : plan.phases()) {
            m_out << "# --- " << phaseName(phase.phase()) << ": " << phase.description()
                  << (phase.rules_changed() ? "" : " (rules unchanged)") << "\n";
            if (phase.rules_changed())
                m_out << phase.rules_yaml();
        }
        return 0;
    }

    int start()
    {
        if (!needArgs(2, "start SERVICE VERSION"))
            return 2;
        const auto s = strategy();
        if (!s)
            return 2;
        v1::StartUpdateRequest request;
        request.set_service(arg(1));
        request.set_target_version(arg(2));
        request.set_strategy(*s);
        request.set_naive_acknowledged(m_o.naiveAck);
        fillOptions(request.mutable_options());
        v1::StartUpdateResponse response;
        const auto status = m_updates->StartUpdate(context().get(), request, &response);
        if (!status.ok())
            return failed(status);
        m_out << (m_o.json ? toJson(response) : response.update_id()) << "\n";
        return 0;
    }

    void printProgress(const v1::UpdateProgress& p)
    {
        if (m_o.json) {
            m_out << toJson(p) << "\n" << std::flush;
            return;
        }
        int locked = 0;
        std::uint64_t held = 0;
        for (const auto& i : p.old_instances()) {
            locked += i.locked() ? 1 : 0;
            held += i.traceid_set_size();
        }
        m_out << phaseName(p.phase()) << " " << stateName(p.state())
              << " diffset=" << p.diff_set_size() << " completed=" << p.completed_count()
              << " traceids=" << held << " locked=" << locked << "/" << p.old_instances_size()
              << " stragglers=" << p.straggler_count()
              << " inconsistent=" << p.inconsistent_transactions();
        if (!p.message().empty())
            m_out << " \"" << p.message() << "\"";
        m_out << "\n" << std::flush;
    }

    int watch()
    {
        if (!needArgs(1, "watch ID"))
            return 2;
        v1::WatchUpdateRequest request;
        request.set_update_id(arg(1));
        const auto ctx = context(true);
        auto reader = m_updates->WatchUpdate(ctx.get(), request);
        v1::UpdateProgress progress;
        v1::UpdateState last = v1::UPDATE_STATE_UNSPECIFIED;
        while (reader->Read(&progress)) {
            printProgress(progress);
            last = progress.state();
        }
        const auto status = reader->Finish();
        if (!status.ok())
            return failed(status);
        if (!isFinalState(last)) {
            m_err << "concordd ctl: the stream ended before the update finished\n";
            return 1;
        }
        return last == v1::UPDATE_STATE_COMPLETED ? 0 : 1;
    }

    void printSummaries(const google::protobuf::RepeatedPtrField<v1::UpdateSummary>& updates)
    {
        m_out << std::left << std::setw(38) << "ID" << std::setw(20) << "SERVICE" << std::setw(14)
              << "VERSIONS" << std::setw(7) << "STRAT" << std::setw(15) << "STATE"
              << "PHASE\n";
        for (const auto& u : updates) {
            m_out << std::setw(38) << u.update_id() << std::setw(20) << u.service() << std::setw(14)
                  << (u.from_version() + "->" + u.target_version()) << std::setw(7)
                  << strategyName(u.strategy()) << std::setw(15) << stateName(u.state())
                  << phaseName(u.phase()) << "\n";
        }
    }

    int list()
    {
        v1::ListUpdatesRequest request;
        if (m_o.positional.size() > 1)
            request.set_service(arg(1));
        v1::ListUpdatesResponse response;
        const auto status = m_updates->ListUpdates(context().get(), request, &response);
        if (!status.ok())
            return failed(status);
        if (m_o.json)
            m_out << toJson(response) << "\n";
        else
            printSummaries(response.updates());
        return 0;
    }

    int abort()
    {
        if (!needArgs(1, "abort ID [--reason R]"))
            return 2;
        v1::AbortUpdateRequest request;
        request.set_update_id(arg(1));
        request.set_reason(m_o.reason.empty() ? "aborted from concordd ctl" : m_o.reason);
        v1::AbortUpdateResponse response;
        const auto status = m_updates->AbortUpdate(context().get(), request, &response);
        if (!status.ok())
            return failed(status);
        m_out << (m_o.json ? toJson(response)
                           : "aborting " + response.update().update_id() + ": " +
                                 stateName(response.update().state()))
              << "\n";
        return 0;
    }

    int forceRetire()
    {
        if (!needArgs(1, "force-retire ID --reason R --yes"))
            return 2;
        if (!m_o.yes || m_o.reason.empty()) {
            m_err << "concordd ctl: force-retire may break consistency for the transactions "
                     "still in the DiffSet; give --reason and --yes\n";
            return 2;
        }
        v1::ForceRetireRequest request;
        request.set_update_id(arg(1));
        request.set_reason(m_o.reason);
        request.set_acknowledge_possible_violations(true);
        v1::ForceRetireResponse response;
        const auto status = m_updates->ForceRetire(context().get(), request, &response);
        if (!status.ok())
            return failed(status);
        m_out << (m_o.json ? toJson(response)
                           : "force-retired; possible violations: " +
                                 std::to_string(response.possible_violations()))
              << "\n";
        return 0;
    }

    int history()
    {
        v1::GetHistoryRequest request;
        request.set_service(m_o.service);
        request.set_page_size(m_o.limit);
        v1::GetHistoryResponse response;
        const auto status = m_updates->GetHistory(context().get(), request, &response);
        if (!status.ok())
            return failed(status);
        if (m_o.json)
            m_out << toJson(response) << "\n";
        else
            printSummaries(response.updates());
        return 0;
    }

    CtlOptions m_o;
    std::ostream& m_out;
    std::ostream& m_err;
    std::unique_ptr<v1::MeshService::Stub> m_mesh;
    std::unique_ptr<v1::UpdateService::Stub> m_updates;
    std::unique_ptr<v1::ServerService::Stub> m_server;
};

}  // namespace

int runCtlCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
    bool help = false;
    auto options = parseArgs(args, err, help);
    if (help) {
        out << kUsage;
        return 0;
    }
    if (!options)
        return 2;
    if (options->positional.empty()) {
        err << kUsage;
        return 2;
    }
    auto channel = makeChannel(*options, err);
    if (!channel)
        return 2;
    return Ctl(std::move(*options), std::move(channel), out, err).run();
}

}  // namespace concord::controller

#include "controller/app/builtin_controllers.h"

#include <malloc.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <thread>

#include <spdlog/spdlog.h>

#include "controller/api/conditions.h"
#include "controller/api/resources.h"
#include "controller/delegation/delegation_controller.h"
#include "controller/delegation/prober.h"
#include "controller/delegation/walker.h"
#include "controller/dns/ares_resolver.h"
#include "controller/discovery/discovery_controller.h"
#include "controller/dns/notify_listener.h"
#include "controller/domain/domain_object.h"
#include "controller/domain/inputs.h"
#include "controller/domain/ready_controller.h"
#include "controller/domain/status_writer.h"
#include "controller/failover/failover_controller.h"
#include "controller/http/transport.h"
#include "controller/kube/conditions.h"
#include "controller/kube/event_recorder.h"
#include "controller/notify/channel_controller.h"
#include "controller/notify/domain_alerting_controller.h"
#include "controller/notify/reasons.h"
#include "controller/notify/routing.h"
#include "controller/notify/mail_sender.h"
#include "controller/providers/dnsprovider_controller.h"
#include "controller/providers/provider_registry.h"
#include "controller/records/records_controller.h"
#include "controller/registration/registration_controller.h"

namespace domainguard::app {

namespace {

using nlohmann::json;

// The shipped IANA bootstrap when installed, else the copy in the source tree (running from build/).
std::string DefaultBootstrap(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (std::filesystem::exists("/usr/share/domainguard/iana-rdap-dns.json")) {
    return "/usr/share/domainguard/iana-rdap-dns.json";
  }
  return DG_SOURCE_BOOTSTRAP;
}

class Runtime final : public ControllerRuntime {
 public:
  std::unique_ptr<http::Transport> transport;
  std::unique_ptr<kube::EventRecorder> events;
  std::unique_ptr<dns::AresResolver> resolver;
  std::unique_ptr<delegation::Walker> walker;
  std::unique_ptr<delegation::Prober> prober;
  std::unique_ptr<registration::RegistrationStack> registration_stack;
  std::unique_ptr<domain::StatusWriter> status;  // every Domain controller's status part, one apply per pass
  std::unique_ptr<records::ZoneLedger> ledger;  // what the records pass knows, for the serving check
  std::unique_ptr<providers::ProviderRegistry> provider_registry;  // each DNSProvider built once, with its poller
  std::unique_ptr<records::RecordsController> records;
  std::unique_ptr<delegation::DelegationController> delegation;
  std::unique_ptr<registration::RegistrationController> registration;
  std::unique_ptr<domain::ReadyController> ready;
  std::unique_ptr<providers::DnsProviderController> dnsproviders;
  std::unique_ptr<failover::FailoverStores> failover_stores;
  std::unique_ptr<failover::FailoverController> failover;
  std::unique_ptr<notify::MailSender> mail;
  std::unique_ptr<notify::Deliverer> deliverer;
  std::unique_ptr<notify::ChannelController> channels;
  std::unique_ptr<notify::DomainAlertingController> alerting;
  std::unique_ptr<discovery::DiscoveryController> discovery;
  std::unique_ptr<dns::NotifyListener> notify;  // last: its thread uses the controllers above
  ~Runtime() override {
    notify.reset();
    if (provider_registry) provider_registry->StopPolling();  // its pollers call into the records controller
  }
};

// DNSProvider -> the Domains of its namespace that name it.
MapFunc ProviderToDomains(kube::Store& domains) {
  return [&domains](const json& provider) {
    return domain::DomainsUsingProvider(domains, kube::Namespace(provider), kube::Name(provider));
  };
}

// A DNSProvider update that concerns its Domains: its spec, or whether it answers (a provider back up gets its
// pending changes now, not at the end of the backoff). Its status.zones count does not.
bool ProviderSpecOrReadyChanged(const json& old_obj, const json& new_obj) {
  if (GenerationChanged(old_obj, new_obj)) return true;
  auto ready = [](const json& p) {
    std::optional<kube::Condition> c = kube::FindCondition(domain::StatusOf(p), api::kReady);
    return c ? c->status : std::string();
  };
  return ready(old_obj) != ready(new_obj);
}

// ConfigMap -> the Domains of its namespace whose recordsFrom names it.
MapFunc ConfigMapToDomains(kube::Store& domains) {
  return [&domains](const json& cm) {
    std::vector<std::string> keys;
    // One Domain parsed at a time: every namespace has a ConfigMap (kube-root-ca.crt), whose add at the start
    // would otherwise hold all its Domains parsed at once.
    domains.ForEachByIndex(kube::kNamespaceIndex, kube::Namespace(cm), [&](const json& d) {
      if (domain::RecordsFromConfigMap(d) == kube::Name(cm)) keys.push_back(kube::ObjectKey(d));
    });
    return keys;
  };
}

// Domain -> the DNSProviders it names (their zone counts change).
std::vector<std::string> DomainToProviders(const json& d) {
  std::vector<std::string> keys;
  for (const std::string& name : domain::ProviderNames(d)) keys.push_back(kube::ObjectKey(kube::Namespace(d), name));
  return keys;
}

// Domain -> the other Domains claiming the same zone (a deleted winner frees the zone for the next).
MapFunc SameZone(kube::Store& domains) {
  return [&domains](const json& d) {
    std::vector<std::string> keys;
    for (const std::string& k : domains.KeysByIndex(domain::kZoneIndex, domain::CanonicalZone(d))) {
      if (k != kube::ObjectKey(d)) keys.push_back(k);
    }
    return keys;
  };
}

// Domain or AlertChannel -> every AlertChannel / Domain of its namespace (routing is decided per pair).
MapFunc AllInNamespace(kube::Store& targets) {
  return [&targets](const json& obj) { return targets.KeysByIndex(kube::kNamespaceIndex, kube::Namespace(obj)); };
}

template <typename C>
std::function<kube::ReconcileResult(const std::string&)> ReconcileOf(C* c) {
  return [c](const std::string& key) { return c->Reconcile(key); };
}

}  // namespace

ControllerSpec NoopControllerSpec(const ResourceFlag& resource, Manager& manager) {
  ControllerSpec spec;
  spec.name = "noop-" + resource.plural;
  spec.resource = ResourceType{resource.group, resource.version, resource.plural, resource.plural, true};
  kube::Store& cache = manager.informers().For(spec.resource).store();
  std::string name = spec.name;
  spec.reconcile = [&cache, name](const std::string& key) {
    std::optional<kube::json> obj = cache.Get(key);
    spdlog::info("controller={} key={} decision=observed exists={} generation={}", name, key, obj.has_value(),
                 obj ? kube::Generation(*obj) : 0);
    return kube::ReconcileResult{};
  };
  return spec;
}

Result<std::unique_ptr<ControllerRuntime>> RegisterControllers(Manager& manager, const ManagerOptions& options,
                                                               kube::Client& client, const Clock& clock) {
  auto rt = std::make_unique<Runtime>();
  for (const ResourceFlag& r : options.noop_controllers) manager.AddController(NoopControllerSpec(r, manager));
  if (!options.domain_controllers) return std::unique_ptr<ControllerRuntime>(std::move(rt));

  // Upstreams first: a bad flag stops the start with one line naming it.
  Result<std::vector<delegation::NameserverSpec>> roots = delegation::LoadRootHints(options.root_hints);
  if (!roots.ok()) return roots.error().Wrap("--root-hints");
  Result<std::unique_ptr<http::Transport>> transport = http::NewTransport({});
  if (!transport.ok()) return transport.error().Wrap("HTTP transport for providers and RDAP");
  rt->transport = std::move(*transport);
  Result<std::unique_ptr<dns::AresResolver>> resolver =
      dns::AresResolver::Create(dns::AresOptions{.timeout = options.dns_timeout});
  if (!resolver.ok()) return resolver.error().Wrap("DNS resolver");
  rt->resolver = std::move(*resolver);
  rt->walker = std::make_unique<delegation::Walker>(*rt->resolver, std::move(*roots));
  rt->prober = std::make_unique<delegation::Prober>(*rt->resolver, *rt->walker);
  registration::RegistrationStackOptions reg;
  reg.rdap_bootstrap_path = DefaultBootstrap(options.rdap_bootstrap);
  reg.whois_servers = options.whois_servers;
  reg.whois_referral_server = options.whois_referral_server;
  reg.rdap_bootstrap_url = options.rdap_bootstrap_url;
  Result<std::unique_ptr<registration::RegistrationStack>> stack =
      registration::RegistrationStack::Build(*rt->transport, clock, reg);
  if (!stack.ok()) return stack.error().Wrap("--rdap-bootstrap");
  rt->registration_stack = std::move(*stack);

  kube::EventAggregatorConfig ev;
  ev.reporting_instance = manager.identity();
  rt->events = std::make_unique<kube::EventRecorder>(client, ev, clock);

  const ResourceType domains_type = ResourceType::From(api::kDomains);
  const ResourceType providers_type = ResourceType::From(api::kDnsProviders);
  kube::Store& domains = manager.informers().For(domains_type).store();
  domains.AddIndex(domain::kZoneIndex, domain::ZoneIndexValues);
  domains.AddIndex(domain::kProviderIndex, domain::ProviderIndexValues);
  domains.AddIndex(failover::kFailoverZoneIndex, failover::FailoverZoneIndexValues);
  kube::Store& providers = manager.informers().For(providers_type).store();
  // ConfigMaps are cached for recordsFrom: an edit of a master file reaches the providers at once.
  const ResourceType configmaps_type = ResourceType::From(kube::kConfigMaps);
  kube::Store& configmaps = manager.informers().For(configmaps_type).store();
  domain::Context ctx{client, domains, *rt->events, manager.domain_metrics(), clock, &configmaps};
  // The Domain controllers' status parts go through one writer (one field manager): a new Domain's first pass
  // (records, delegation, registration, alerting) is one apply with Ready in it, later passes one apply each.
  {
    std::vector<domain::PartOwnership> owners = {
        {records::kRecordsFieldManager, {"providers"}, {std::string(api::kRecordsSynced)}, nullptr},
        {delegation::kDelegationFieldManager, {"delegation", "dependsOn"}, {std::string(api::kDelegationHealthy)},
         delegation::IsDelegationReason},
        {std::string(registration::kFieldManager), {"registration"}, {std::string(api::kRegistrationHealthy)},
         registration::IsRegistrationReason},
        {notify::kNotifyFieldManager, {}, {}, notify::IsNotifyReason},
        {domain::kReadyFieldManager, {}, {}, nullptr},  // Ready and observedGeneration: the writer computes them
    };
    domain::StatusWriterOptions so;
    so.first_pass_parts = {records::kRecordsFieldManager, delegation::kDelegationFieldManager,
                           std::string(registration::kFieldManager), notify::kNotifyFieldManager};
    // The others follow records (delegation probes once records reported): the first pass waits for its report
    // however long the records controller's queue is (up to first_pass_limit, as long as delegation's
    // records_wait), then at most first_pass_wait for the rest. A registration lookup queued behind the
    // registry's rate limit is its own apply later.
    so.first_pass_lead = records::kRecordsFieldManager;
    rt->status = std::make_unique<domain::StatusWriter>(client, domains, clock, std::move(owners), so);
    rt->status->SetEventRecorder(rt->events.get());
    // New Domains' arrivals: while the user creates them in a batch, their first passes wait (so.burst).
    manager.informers().For(domains_type).AddHandlers(
        {[w = rt->status.get()](const kube::json& obj) { w->NoteAdded(obj); }, nullptr, nullptr});
    ctx.status = rt->status.get();
  }

  // Failover reads Ingresses (and HTTPRoutes/Gateways when the Gateway API CRDs are installed: a list answering
  // 404 means they are not, and no informer is started that could never sync). The backup hosts' records join
  // the failover Domain's desired zone through ctx.extra_records, for the records and delegation controllers.
  const ResourceType ingresses_type = ResourceType::From(kube::kIngresses);
  const ResourceType routes_type = ResourceType::From(failover::kHttpRoutes);
  const ResourceType gateways_type = ResourceType::From(failover::kGateways);
  kube::Store& ingresses = manager.informers().For(ingresses_type).store();
  rt->failover_stores = std::make_unique<failover::FailoverStores>(failover::FailoverStores{ingresses});
  kube::ListOptions probe_list;
  probe_list.limit = 1;
  Result<kube::ListPage> routes_probe = client.List(failover::kHttpRoutes, options.namespace_, probe_list);
  // A transient answer is not "no Gateway API": an apiserver that has just started answers 503 until every CRD's
  // path is installed, and a replica that decided on it would run without HTTPRoute failover for its whole life
  // (tests/chaos seed 203). Asked again for up to 60 s; NotFound or Forbidden decide at once.
  for (int attempt = 1; !routes_probe.ok() && routes_probe.error().IsTransient() && attempt <= 60; ++attempt) {
    spdlog::warn("manager decision=failover-resources-retry attempt={} error=\"{}\"", attempt,
                 routes_probe.error().ToString());
    std::this_thread::sleep_for(std::chrono::seconds(1));
    routes_probe = client.List(failover::kHttpRoutes, options.namespace_, probe_list);
  }
  const bool gateway_api = routes_probe.ok();
  if (gateway_api) {
    rt->failover_stores->routes = &manager.informers().For(routes_type).store();
    rt->failover_stores->gateways = &manager.informers().For(gateways_type).store();
  }
  {
    std::vector<kube::Informer*> listed = {&manager.informers().For(ingresses_type),
                                           &manager.informers().For(domains_type)};
    if (gateway_api) {
      listed.push_back(&manager.informers().For(routes_type));
      listed.push_back(&manager.informers().For(gateways_type));
    }
    rt->failover_stores->wait_synced = [listed](std::chrono::milliseconds timeout) {
      for (kube::Informer* i : listed) {
        if (!i->WaitForSync(timeout)) return false;
      }
      return true;
    };
  }
  spdlog::info("manager decision=failover-resources gateway_api={}{}", gateway_api,
               gateway_api ? "" : " (HTTPRoutes not listable: " + routes_probe.error().ToString() + ")");
  ctx.extra_records = [&domains, stores = rt->failover_stores.get()](const json& d) {
    // Right after a start the caches may not have listed: waiting here keeps a records pass from deleting the
    // backup records it would read as no longer wanted.
    if (!stores->wait_synced(std::chrono::seconds(60))) {
      spdlog::warn("failover domain={} decision=extra-records-unsynced why=\"Ingress cache not listed after 60s\"",
                   kube::ObjectKey(d));
    }
    return failover::ExtraRecords(d, domains, *stores);
  };

  // The records and delegation controllers share what the records pass knows of each zone at its providers, and
  // the serving check asks for an immediate records pass through it (records/zone_ledger.h).
  // A serial a provider had until lately still counts as current at a name server for a while (a secondary
  // transferring after a NOTIFY): two serial polls, at least 30 s.
  rt->ledger = std::make_unique<records::ZoneLedger>(
      clock, std::max(std::chrono::seconds(30),
                      std::chrono::duration_cast<std::chrono::seconds>(2 * options.drift_poll_interval)));
  // One provider registry for the records and DNSProvider controllers: each DNSProvider built (its Secret read)
  // once per change, and one serial poller per provider (one request per provider per poll interval).
  providers::ProviderRegistryOptions pro;
  pro.poll_interval = options.drift_poll_interval;
  rt->provider_registry = std::make_unique<providers::ProviderRegistry>(ctx, *rt->transport, pro);
  records::RecordsControllerOptions ro;
  ro.ledger = rt->ledger.get();
  ro.schedule.poll_interval = options.drift_poll_interval;
  ro.schedule.full_compare_interval = options.drift_full_interval;
  rt->records = std::make_unique<records::RecordsController>(ctx, providers, *rt->provider_registry, ro);
  delegation::DelegationControllerOptions dopt;
  dopt.forget_cache = [walker = rt->walker.get()] { walker->ForgetCuts(); };
  // A large sweep frees what it held (each Domain's expectations and observation, the prober's answers) in the
  // middle of the heap, where glibc keeps the pages resident: RSS stayed near the high-water mark of the sweeps
  // (issue #14, RSS at 10,000 Domains). malloc_trim gives the free pages back; a small sweep (a Domain due on its
  // own) is not worth walking the heap for.
  dopt.after_sweep = [](size_t swept) {
    if (swept >= 100) malloc_trim(0);
  };
  dopt.ledger = rt->ledger.get();
  rt->delegation = std::make_unique<delegation::DelegationController>(ctx, providers, *rt->prober, dopt);
  rt->registration =
      std::make_unique<registration::RegistrationController>(ctx, rt->registration_stack->monitor(), &providers);
  rt->ready = std::make_unique<domain::ReadyController>(ctx);
  rt->dnsproviders = std::make_unique<providers::DnsProviderController>(ctx, providers, *rt->provider_registry);

  ControllerSpec rs;
  rs.name = "domain-records";
  rs.resource = domains_type;
  rs.reconcile = ReconcileOf(rt->records.get());
  // A pass mostly waits on its providers (HTTP, DNS): a thousand Domains applied at once are written side by side,
  // not two at a time behind --workers.
  rs.workers = options.records_workers;
  // Woken by the spec and the approval annotation, not by the status writes of the other controllers or its own.
  rs.update_filter = [reads = records::RecordsReads()](const json& o, const json& n) {
    return kube::ChangesReadParts(reads, o, n);
  };
  rs.watches.push_back({providers_type, ProviderToDomains(domains), ProviderSpecOrReadyChanged});
  rs.watches.push_back({domains_type, SameZone(domains), GenerationChanged});  // zone is immutable: adds/deletes
  rs.watches.push_back({configmaps_type, ConfigMapToDomains(domains)});
  // A sibling or its original's load balancer changed: the failover Domains' zones may have.
  auto backups_of_namespace = [&domains](const json& obj) {
    return failover::BackupDomainsOfNamespace(domains, kube::Namespace(obj));
  };
  rs.watches.push_back({ingresses_type, backups_of_namespace});
  if (gateway_api) {
    rs.watches.push_back({routes_type, backups_of_namespace});
    rs.watches.push_back({gateways_type, backups_of_namespace});
  }
  Controller& records_controller = manager.AddController(std::move(rs));
  rt->ledger->SetRepairHandler([records = rt->records.get(), &records_controller](const std::string& key,
                                                                                  const std::string& why) {
    records->ForceFullPass(key, why);
    records_controller.queue().Add(key);
  });
  rt->provider_registry->SetMovedHandler([records = rt->records.get(), &records_controller](
                                             const std::string& provider, const std::string& zone,
                                             const std::string& why) {
    for (const std::string& k : records->OnSerialMoved(provider, zone, why)) records_controller.queue().Add(k);
  });

  ControllerSpec ds;
  ds.name = "domain-delegation";
  ds.resource = domains_type;
  ds.reconcile = ReconcileOf(rt->delegation.get());
  ds.workers = 1;  // one sweep at a time: the prober is not thread-safe, and a sweep batches its queries
  // Woken only by what it reads (spec, RecordsSynced), not by every status write of the other controllers.
  ds.update_filter = [reads = delegation::DelegationReads()](const json& o, const json& n) {
    return kube::ChangesReadParts(reads, o, n);
  };
  Controller& delegation_controller = manager.AddController(std::move(ds));
  // New Domains parked while a batch is applied are woken together when it ends.
  rt->delegation->SetRequeue([&delegation_controller](const std::string& key) { delegation_controller.queue().Add(key); });

  ControllerSpec gs;
  gs.name = "domain-registration";
  gs.resource = domains_type;
  gs.reconcile = ReconcileOf(rt->registration.get());
  gs.update_filter = [reads = registration::RegistrationReads()](const json& o, const json& n) {
    return kube::ChangesReadParts(reads, o, n);
  };
  manager.AddController(std::move(gs));

  ControllerSpec ys;
  ys.name = "domain-ready";
  ys.resource = domains_type;
  ys.reconcile = ReconcileOf(rt->ready.get());
  ys.update_filter = [reads = domain::ReadyReads()](const json& o, const json& n) {
    return kube::ChangesReadParts(reads, o, n);
  };
  // Ready summarises the other controllers' conditions, which a new Domain gets within moments of each other:
  // waiting 1 s turns their burst into one or two Ready writes instead of one per condition.
  ys.delay = std::chrono::seconds(1);
  // A new Domain has nothing to summarise: the status writer's first apply carries Ready, and wakes it.
  ys.add_filter = domain::ReadyHasWork;
  manager.AddController(std::move(ys));

  // The shared status writer's flushes: scheduled by its Write; woken by the Domain's changes only to forget what
  // the cache now holds.
  ControllerSpec ss;
  ss.name = "domain-status";
  ss.resource = domains_type;
  ss.reconcile = [w = rt->status.get()](const std::string& key) { return w->Flush(key); };
  ss.resync = std::chrono::milliseconds(0);
  Controller& status_controller = manager.AddController(std::move(ss));
  rt->status->SetScheduler([&status_controller](const std::string& key, std::chrono::nanoseconds delay) {
    status_controller.queue().AddAfter(key, delay);
  });
  // The delegation controller probes a new generation once RecordsSynced is reported: pending is reported.
  rt->status->SetPartHandler([&delegation_controller](const std::string& key, const std::string& part) {
    if (part == records::kRecordsFieldManager) delegation_controller.queue().Add(key);
  });

  ControllerSpec ps;
  ps.name = "dnsprovider";
  ps.resource = providers_type;
  ps.reconcile = ReconcileOf(rt->dnsproviders.get());
  // spec.providers edits move status.zones; counted at most every 10 s, so applying a thousand Domains costs the
  // apiserver a few DNSProvider status writes, not a thousand (every 2 s it was 0.12 per new Domain at 1,000).
  ps.watches.push_back({domains_type, DomainToProviders, GenerationChanged, std::chrono::seconds(10)});
  manager.AddController(std::move(ps));

  failover::FailoverControllerOptions fo;
  if (const char* step = std::getenv("DG_FAILOVER_EXIT_AFTER_STEP")) fo.exit_after_step = std::atoi(step);
  rt->failover = std::make_unique<failover::FailoverController>(ctx, *rt->failover_stores, fo);
  ControllerSpec fs;
  fs.name = "domain-failover";
  fs.resource = domains_type;
  fs.reconcile = ReconcileOf(rt->failover.get());
  // Only Domains with spec.failover, or with what it wrote to remove: not every new Domain, nor every status write.
  fs.add_filter = failover::ConcernsFailover;
  fs.update_filter = failover::FailoverUpdateConcerns;
  // The primary's own changes wake it; so do its backup's (health, readiness) and the selected objects.
  fs.watches.push_back({domains_type, [&domains](const json& d) { return failover::PrimariesOfBackup(domains, d); }});
  auto primaries_of = [&domains](const json& obj) { return failover::PrimaryDomainsOfNamespace(domains, obj); };
  fs.watches.push_back({ingresses_type, primaries_of});
  if (gateway_api) fs.watches.push_back({routes_type, primaries_of});
  manager.AddController(std::move(fs));

  // Alerting: AlertChannels deliver the findings of the Domains routed to them; Domains get AlertChannelFailing /
  // NoAlertChannel from the channels' state.
  const ResourceType channels_type = ResourceType::From(notify::kAlertChannels);
  kube::Store& channels = manager.informers().For(channels_type).store();
  rt->mail = notify::NewCurlMailSender();
  rt->deliverer = std::make_unique<notify::Deliverer>(*rt->transport, *rt->mail);
  notify::ChannelControllerOptions co;
  co.domains_synced = [&inf = manager.informers().For(domains_type)] { return inf.HasSynced(); };
  rt->channels = std::make_unique<notify::ChannelController>(ctx, channels, *rt->deliverer, co);
  rt->alerting = std::make_unique<notify::DomainAlertingController>(
      ctx, channels, [&inf = manager.informers().For(channels_type)] { return inf.HasSynced(); });
  ControllerSpec cs;
  cs.name = "alertchannel";
  cs.resource = channels_type;
  cs.reconcile = ReconcileOf(rt->channels.get());
  // A Domain's findings changing is what a channel delivers; 1 s gathers the conditions of one pass.
  cs.watches.push_back({domains_type, AllInNamespace(channels), nullptr, std::chrono::seconds(1)});
  manager.AddController(std::move(cs));
  ControllerSpec as;
  as.name = "domain-alerting";
  as.resource = domains_type;
  as.reconcile = ReconcileOf(rt->alerting.get());
  // Woken by what its part reads (spec, labels, registration contacts), not by the other parts' status writes.
  as.update_filter = notify::AlertingUpdateConcerns;
  as.watches.push_back({channels_type, AllInNamespace(domains), notify::ChannelRoutingChanged});
  manager.AddController(std::move(as));

  // Unmonitored domains: registrable domains of Ingress hosts (and HTTPRoute hostnames) no Domain covers. A
  // Domain coming or going changes coverage for every Ingress (2 s gathers a burst of Domains into one pass).
  {
    std::vector<kube::Informer*> caches = {&manager.informers().For(ingresses_type),
                                           &manager.informers().For(domains_type)};
    if (gateway_api) caches.push_back(&manager.informers().For(routes_type));
    rt->discovery = std::make_unique<discovery::DiscoveryController>(
        ctx, ingresses, gateway_api ? &manager.informers().For(routes_type).store() : nullptr, [caches] {
          for (kube::Informer* i : caches) {
            if (!i->HasSynced()) return false;
          }
          return true;
        });
  }
  // Keys only: each Domain of a batch parsed every cached Ingress here.
  auto every_ingress = [&ingresses](const json&) { return ingresses.Keys(); };
  ControllerSpec us;
  us.name = "discovery-ingresses";
  us.resource = ingresses_type;
  us.reconcile = ReconcileOf(rt->discovery.get());
  us.watches.push_back({domains_type, every_ingress, GenerationChanged, std::chrono::seconds(2)});
  manager.AddController(std::move(us));
  if (gateway_api) {
    ControllerSpec ur;
    ur.name = "discovery-httproutes";
    ur.resource = routes_type;
    ur.reconcile = [d = rt->discovery.get()](const std::string& key) { return d->ReconcileRoute(key); };
    manager.AddController(std::move(ur));
  }

  if (!options.notify_bind.disabled) {
    records::RecordsController* records = rt->records.get();
    Result<std::unique_ptr<dns::NotifyListener>> listener = dns::NotifyListener::Start(
        options.notify_bind.host, static_cast<uint16_t>(options.notify_bind.port),
        [records, &records_controller](const dns::NotifyEvent& e) {
          std::vector<std::string> keys = records->OnZoneChanged(e.zone);
          spdlog::info("records zone={} from={} decision=notify domains={}", e.zone, e.from_address, keys.size());
          for (const std::string& k : keys) records_controller.queue().Add(k);
        });
    if (!listener.ok()) return listener.error().Wrap("--notify-listen-address");
    rt->notify = std::move(*listener);
    spdlog::info("manager decision=notify-listen address={}:{}", options.notify_bind.host, rt->notify->port());
  }
  return std::unique_ptr<ControllerRuntime>(std::move(rt));
}

}  // namespace domainguard::app

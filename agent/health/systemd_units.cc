#include "agent/health/systemd_units.h"

#include <dlfcn.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <mutex>

#include "absl/strings/str_cat.h"

namespace dm::health {
namespace {

// The few sd-bus functions used, as libsystemd documents them (sd-bus(3)).
struct Libsystemd {
  int (*bus_new)(sd_bus** bus);
  int (*bus_set_address)(sd_bus* bus, const char* address);
  int (*bus_start)(sd_bus* bus);
  int (*bus_open_system)(sd_bus** bus);
  sd_bus* (*bus_flush_close_unref)(sd_bus* bus);
  int (*bus_call_method)(sd_bus* bus, const char* destination, const char* path,
                         const char* interface, const char* member, sd_bus_error* error,
                         sd_bus_message** reply, const char* types, ...);
  int (*bus_message_read)(sd_bus_message* m, const char* types, ...);
  sd_bus_message* (*bus_message_unref)(sd_bus_message* m);
  int (*bus_get_property_string)(sd_bus* bus, const char* destination, const char* path,
                                 const char* interface, const char* member, sd_bus_error* error,
                                 char** ret);
  void (*bus_error_free)(sd_bus_error* e);
};

template <typename F>
bool Resolve(void* library, const char* name, F* out) {
  *out = reinterpret_cast<F>(::dlsym(library, name));
  return *out != nullptr;
}

absl::StatusOr<const Libsystemd*> Load() {
  void* library = ::dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr)
    return absl::UnavailableError(absl::StrCat("service checks need libsystemd: ", ::dlerror()));
  static Libsystemd sd;
  bool ok = Resolve(library, "sd_bus_new", &sd.bus_new) &&
            Resolve(library, "sd_bus_set_address", &sd.bus_set_address) &&
            Resolve(library, "sd_bus_start", &sd.bus_start) &&
            Resolve(library, "sd_bus_open_system", &sd.bus_open_system) &&
            Resolve(library, "sd_bus_flush_close_unref", &sd.bus_flush_close_unref) &&
            Resolve(library, "sd_bus_call_method", &sd.bus_call_method) &&
            Resolve(library, "sd_bus_message_read", &sd.bus_message_read) &&
            Resolve(library, "sd_bus_message_unref", &sd.bus_message_unref) &&
            Resolve(library, "sd_bus_get_property_string", &sd.bus_get_property_string) &&
            Resolve(library, "sd_bus_error_free", &sd.bus_error_free);
  if (!ok) return absl::UnavailableError("libsystemd.so.0 lacks sd-bus");
  return &sd;
}

absl::StatusOr<const Libsystemd*> LoadOnce() {
  static std::once_flag once;
  static absl::StatusOr<const Libsystemd*> loaded = absl::UnknownError("not loaded");
  std::call_once(once, [] { loaded = Load(); });
  return loaded;
}

constexpr char kSystemd[] = "org.freedesktop.systemd1";
constexpr char kUnitInterface[] = "org.freedesktop.systemd1.Unit";

std::string BusError(const char* what, int r, const sd_bus_error& error) {
  return absl::StrCat(what, ": ", error.message != nullptr ? error.message : std::strerror(-r));
}

}  // namespace

SystemdUnits::~SystemdUnits() { Disconnect(); }

void SystemdUnits::Disconnect() {
  if (bus_ == nullptr) return;
  if (auto sd = LoadOnce(); sd.ok()) (*sd)->bus_flush_close_unref(bus_);
  bus_ = nullptr;
}

absl::Status SystemdUnits::Connect() {
  absl::StatusOr<const Libsystemd*> sd = LoadOnce();
  if (!sd.ok()) return sd.status();
  if (::geteuid() == 0 && ::access("/run/systemd/private", F_OK) == 0) {
    sd_bus* bus = nullptr;
    int r = (*sd)->bus_new(&bus);
    if (r >= 0) r = (*sd)->bus_set_address(bus, "unix:path=/run/systemd/private");
    if (r >= 0) r = (*sd)->bus_start(bus);
    if (r >= 0) {
      bus_ = bus;
      return absl::OkStatus();
    }
    if (bus != nullptr) (*sd)->bus_flush_close_unref(bus);
  }
  int r = (*sd)->bus_open_system(&bus_);
  if (r < 0) {
    bus_ = nullptr;
    return absl::UnavailableError(absl::StrCat(
        "cannot reach systemd (no private socket, no system bus): ", std::strerror(-r)));
  }
  return absl::OkStatus();
}

absl::StatusOr<UnitState> SystemdUnits::Get(const std::string& unit) {
  if (bus_ == nullptr) {
    if (absl::Status s = Connect(); !s.ok()) return s;
  }
  const Libsystemd* sd = *LoadOnce();
  // LoadUnit returns the unit's object path, loading its file if nothing has yet.
  sd_bus_error error = SD_BUS_ERROR_NULL;
  sd_bus_message* reply = nullptr;
  int r = sd->bus_call_method(bus_, kSystemd, "/org/freedesktop/systemd1",
                              "org.freedesktop.systemd1.Manager", "LoadUnit", &error, &reply, "s",
                              unit.c_str());
  if (r < 0) {
    std::string message = BusError("asking systemd", r, error);
    sd->bus_error_free(&error);
    Disconnect();  // the connection may be what broke; the next call makes a new one
    return absl::UnavailableError(message);
  }
  const char* path_text = nullptr;
  r = sd->bus_message_read(reply, "o", &path_text);
  std::string path = r >= 0 && path_text != nullptr ? path_text : "";
  sd->bus_message_unref(reply);
  if (path.empty()) return absl::UnavailableError("systemd gave no object path for " + unit);

  UnitState state;
  for (auto [property, out] :
       {std::pair{"LoadState", &state.load}, std::pair{"ActiveState", &state.active},
        std::pair{"SubState", &state.sub}}) {
    char* value = nullptr;
    r = sd->bus_get_property_string(bus_, kSystemd, path.c_str(), kUnitInterface, property, &error,
                                    &value);
    if (r < 0) {
      std::string message = BusError("reading a unit's state", r, error);
      sd->bus_error_free(&error);
      Disconnect();
      return absl::UnavailableError(message);
    }
    *out = value;
    std::free(value);
  }
  return state;
}

}  // namespace dm::health

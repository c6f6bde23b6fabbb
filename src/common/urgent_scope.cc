#include "aviary/common/urgent_scope.h"

namespace aviary {

namespace {
thread_local bool urgent = false;
}  // namespace

UrgentScope::UrgentScope(bool isUrgent) : previous_(urgent) { urgent = previous_ || isUrgent; }

UrgentScope::~UrgentScope() { urgent = previous_; }

bool UrgentScope::active() { return urgent; }

}  // namespace aviary

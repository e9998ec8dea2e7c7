// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/core/host.hpp"

#include <unistd.h>

namespace dms {

std::string host_name() {
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) != 0) {
        return {};
    }
    return host;
}

} // namespace dms

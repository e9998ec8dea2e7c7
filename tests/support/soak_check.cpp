// SPDX-License-Identifier: GPL-3.0-or-later
#include "soak_check.hpp"

#include <algorithm>
#include <ctime>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <pqxx/pqxx>

#include "named_fixture.hpp"
#include "soak_zone.hpp"

namespace dms::test::soak {
namespace {

using namespace std::chrono_literals;

constexpr auto axfr_timeout = 5s;

/// A database timestamp in the form of wall_clock().
std::string ts(const std::string& column) {
    return fmt::format("coalesce(to_char({} AT TIME ZONE 'UTC', 'HH24:MI:SS.MS'), '-')", column);
}

struct ZoneRow {
    std::int64_t id = 0;
    std::string state;
    std::int64_t zi = 0;
    std::int64_t candidate = 0;
    std::int64_t newest = 0;
    std::string serial;
};

std::map<std::string, ZoneRow> zone_rows(pqxx::nontransaction& tx) {
    std::map<std::string, ZoneRow> out;
    for (const auto& r :
         tx.exec("SELECT z.name, z.id, z.state, coalesce(z.zi_id, 0),"
                 " coalesce(z.zi_candidate_id, 0),"
                 " coalesce((SELECT max(i.id) FROM zone_instances i WHERE i.zone_id = z.id), 0),"
                 " coalesce(z.soa_serial::text, '-')"
                 " FROM sm_zone z WHERE z.state <> 'DELETED'")) {
        out[r[0].c_str()] = {r[1].as<std::int64_t>(), r[2].c_str(),
                             r[3].as<std::int64_t>(), r[4].as<std::int64_t>(),
                             r[5].as<std::int64_t>(), r[6].c_str()};
    }
    return out;
}

/// What `server` serves for `zone`, or why it cannot be transferred.
struct Served {
    bool ok = false;
    std::vector<std::string> records;
    std::uint32_t serial = 0;
    std::string error;
};

Served transfer(const dns::Server& server, const std::string& zone,
                const std::optional<dns::TsigKey>& key) {
    Served s;
    const auto r = dns::axfr(server, zone, key, axfr_timeout);
    if (r.status != dns::Status::answered || r.rcode != 0) {
        s.error = r.status == dns::Status::answered ? dns::rcode_name(r.rcode)
                                                    : std::string(dns::to_string(r.status));
        if (!r.error.empty()) {
            s.error += ": " + r.error;
        }
        return s;
    }
    s.ok = true;
    s.records = served_form(r.records);
    s.serial = soa_serial(r.records);
    return s;
}

std::string describe(const Version& v) {
    std::string s = fmt::format("v{} by client {}", v.version, v.client);
    if (v.client < 0) {
        s = fmt::format("v{} (load_zones)", v.version);
    }
    if (v.saved) {
        s += fmt::format(", saved {} as ZI {}", v.finished, v.zi);
    } else {
        s += fmt::format(", NOT saved ({})", v.last_error);
    }
    if (v.attempts > 1) {
        s += fmt::format(" after {} attempts (first {}, last refusal: {})", v.attempts, v.started,
                         v.last_error);
    }
    return s;
}

/// Lines of `path` that contain `needle`, the last `n` of them.
std::vector<std::string> grep_tail(const std::filesystem::path& path, const std::string& needle,
                                   std::size_t n) {
    std::istringstream in(read_text(path));
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) {
        if (line.find(needle) != std::string::npos) {
            out.push_back(line);
            if (out.size() > n) {
                out.erase(out.begin());
            }
        }
    }
    return out;
}

void table(std::ostringstream& out, const pqxx::result& rows, const std::string& indent) {
    for (const auto& row : rows) {
        out << indent;
        for (const auto& f : row) {
            out << (f.num() == 0 ? "" : " | ") << (f.is_null() ? "-" : f.c_str());
        }
        out << '\n';
    }
}

} // namespace

const Version* ZoneHistory::last_saved() const {
    for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
        if (it->saved) {
            return &*it;
        }
    }
    return nullptr;
}

std::string ZoneHistory::which(const std::vector<std::string>& served) const {
    for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
        if (it->expected == served) {
            return fmt::format("v{}{}", it->version, it->saved ? "" : " (a version never saved)");
        }
    }
    return "content of no version";
}

std::string wall_clock() {
    const auto now = std::chrono::system_clock::now();
    const auto t = std::chrono::system_clock::to_time_t(now);
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() %
        1000;
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    return fmt::format("{:02}:{:02}:{:02}.{:03}", tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

CheckResult check(DmsDeployment& dms, const std::vector<ZoneHistory>& zones,
                  std::chrono::seconds stuck_after) {
    CheckResult res;
    // zone -> how bad: 3 the master serves other content, 2 a slave does, 1 the database
    std::map<std::string, int> bad;
    std::map<std::string, int> differ;
    const auto problem = [&](const std::string& zone, const std::string& text, int severity = 1) {
        res.problems.push_back(zone.empty() ? text : "zone " + zone + ": " + text);
        if (!zone.empty()) {
            bad[zone] = std::max(bad[zone], severity);
        }
    };
    int db_zone_problems = 0;
    std::string db_summary;
    try {
        pqxx::connection c(dms.conninfo());
        pqxx::nontransaction tx(c);
        const auto rows = zone_rows(tx);
        for (const auto& h : zones) {
            const auto it = rows.find(h.zone);
            if (it == rows.end()) {
                problem(h.zone, "no live sm_zone row");
                ++db_zone_problems;
                continue;
            }
            // (Publishing makes a new ZI, so the last save's ZI is not the newest one.)
            const auto& z = it->second;
            std::string why;
            if (z.state != "PUBLISHED") {
                why = "state " + z.state;
            } else if (z.zi != z.candidate) {
                why = fmt::format("published ZI {} is not the candidate {}", z.zi, z.candidate);
            } else if (z.candidate != z.newest) {
                why = fmt::format("candidate ZI {} is not the newest ZI {}", z.candidate, z.newest);
            }
            if (!why.empty()) {
                problem(h.zone, why);
                ++db_zone_problems;
            }
        }
        const auto count = [&](const std::string& where) {
            return tx.exec("SELECT count(*) FROM sm_event_queue WHERE " + where)[0][0].as<long>();
        };
        if (const auto n = count("state = 'FAILURE'"); n != 0) {
            problem("", fmt::format("{} event(s) in state FAILURE", n));
            db_summary += fmt::format(", {} FAILURE", n);
        }
        if (const auto n = count("processed IS NULL AND (zone_id IS NOT NULL OR master_id IS NOT "
                                 "NULL)");
            n != 0) {
            problem("", fmt::format("{} zone or master event(s) still pending", n));
            db_summary += fmt::format(", {} zone/master events pending", n);
        }
        if (const auto n = count(fmt::format("processed IS NULL AND scheduled < now() - "
                                             "interval '{} seconds'",
                                             stuck_after.count()));
            n != 0) {
            problem("", fmt::format("{} event(s) pending more than {} s past their due time", n,
                                    stuck_after.count()));
            db_summary += fmt::format(", {} stuck", n);
        }
        for (const auto& r : tx.exec("SELECT name, state, coalesce(retry_msg, '') FROM sm_servers"
                                     " WHERE state <> 'OK' ORDER BY name")) {
            problem("",
                    fmt::format("server {} is {} ({})", r[0].c_str(), r[1].c_str(), r[2].c_str()));
            db_summary += fmt::format(", {} {}", r[0].c_str(), r[1].c_str());
        }
    } catch (const std::exception& e) {
        problem("", std::string("database: ") + e.what());
        db_summary += ", database unreachable";
    }

    const auto key = dms.master().update_key();
    for (const auto& h : zones) {
        const auto* last = h.last_saved();
        if (last == nullptr) {
            problem(h.zone, "no version was ever saved");
            continue;
        }
        const auto m = transfer(dms.master().server(), h.zone, key);
        if (!m.ok) {
            problem(h.zone, "master: transfer failed: " + m.error, 3);
            ++differ["master"];
            continue;
        }
        if (m.records != last->expected) {
            problem(h.zone,
                    fmt::format("master serves {}, the last save was v{}", h.which(m.records),
                                last->version),
                    3);
            ++differ["master"];
        }
        for (std::size_t i = 0; i < dms.slave_count(); ++i) {
            const auto& s = dms.slave(i);
            const auto got = transfer(s.server(), h.zone, std::nullopt);
            if (!got.ok) {
                problem(h.zone, s.name() + ": transfer failed: " + got.error, 2);
                ++differ[s.name()];
            } else if (got.records != last->expected) {
                problem(h.zone,
                        fmt::format("{} serves {} (serial {}), the last save was v{}", s.name(),
                                    h.which(got.records), got.serial, last->version),
                        2);
                ++differ[s.name()];
            } else if (got.serial != m.serial) {
                problem(h.zone,
                        fmt::format("{} serves serial {}, the master {}", s.name(), got.serial,
                                    m.serial),
                        2);
                ++differ[s.name()];
            }
        }
    }
    // The worst first: those are the ones the diagnosis shows in full.
    std::vector<std::pair<int, std::string>> order;
    for (const auto& [zone, severity] : bad) {
        order.emplace_back(-severity, zone);
    }
    std::sort(order.begin(), order.end());
    for (const auto& [severity, zone] : order) {
        res.bad_zones.push_back(zone);
    }
    res.summary = fmt::format("{} zone(s) wrong", bad.size());
    for (const auto& [server, n] : differ) {
        res.summary += fmt::format(", {} on {}", n, server);
    }
    if (db_zone_problems != 0) {
        res.summary += fmt::format(", {} with ZoneSM/ZI problems", db_zone_problems);
    }
    res.summary += db_summary;
    return res;
}

std::string diagnose(DmsDeployment& dms, const std::vector<ZoneHistory>& zones,
                     const CheckResult& result, std::size_t max_zones) {
    std::ostringstream out;
    std::map<std::string, const ZoneHistory*> by_name;
    for (const auto& h : zones) {
        by_name[h.zone] = &h;
    }
    std::optional<pqxx::connection> conn;
    try {
        conn.emplace(dms.conninfo());
    } catch (const std::exception& e) {
        out << "(database unreachable: " << e.what() << ")\n";
    }
    const auto key = dms.master().update_key();
    std::size_t shown = 0;
    for (const auto& zone : result.bad_zones) {
        if (shown++ == max_zones) {
            out << fmt::format("... and {} more zone(s):", result.bad_zones.size() - max_zones);
            for (auto i = max_zones; i < result.bad_zones.size(); ++i) {
                out << ' ' << result.bad_zones[i];
            }
            out << "\n\n";
            break;
        }
        const auto& h = *by_name.at(zone);
        const auto* last = h.last_saved();
        out << "==== zone " << zone << " (client " << h.owner << ")\n";
        out << "  expected: " << (last ? describe(*last) : "nothing saved") << '\n';
        const auto want = last ? last->expected : std::vector<std::string>{};
        const auto show = [&](const std::string& who, const Served& s) {
            if (!s.ok) {
                out << "  " << who << ": transfer failed: " << s.error << '\n';
                return;
            }
            out << fmt::format("  {}: serial {}, serves {}\n", who, s.serial, h.which(s.records));
            for (const auto& d : record_diff(want, s.records)) {
                out << "      " << d << '\n';
            }
        };
        show("master", transfer(dms.master().server(), zone, key));
        for (std::size_t i = 0; i < dms.slave_count(); ++i) {
            show(dms.slave(i).name(), transfer(dms.slave(i).server(), zone, std::nullopt));
        }
        out << "  saves (newest last):\n";
        const auto first = h.versions.size() > 6 ? h.versions.size() - 6 : 0;
        for (auto i = first; i < h.versions.size(); ++i) {
            out << "    " << describe(h.versions[i]) << '\n';
        }
        if (conn) {
            try {
                pqxx::nontransaction tx(*conn);
                const auto q = tx.quote(zone);
                out << "  sm_zone: id | state | zi_id | zi_candidate_id | soa_serial | "
                       "lock_state\n";
                table(out,
                      tx.exec("SELECT id, state, zi_id, zi_candidate_id, soa_serial, lock_state"
                              " FROM sm_zone WHERE name = " +
                              q + " ORDER BY id"),
                      "    ");
                out << "  ZIs (newest first): id | ctime | ptime | soa_serial\n";
                table(out,
                      tx.exec(fmt::format("SELECT i.id, {}, {}, i.soa_serial FROM zone_instances i"
                                          " JOIN sm_zone z ON z.id = i.zone_id WHERE z.name = {}"
                                          " AND z.state <> 'DELETED' ORDER BY i.id DESC LIMIT 8",
                                          ts("i.ctime"), ts("i.ptime"), q)),
                      "    ");
                out << "  events (newest first): id | type | state | attempts | created | "
                       "scheduled | processed | parameters | message | last_error\n";
                table(out,
                      tx.exec(fmt::format(
                          "SELECT e.id, e.event_type, e.state, e.attempts, {}, {}, {},"
                          " e.parameters::text, e.results->>'message', e.last_error"
                          " FROM sm_event_queue e JOIN sm_zone z ON z.id = e.zone_id"
                          " WHERE z.name = {} AND z.state <> 'DELETED' ORDER BY e.id DESC LIMIT 14",
                          ts("e.created"), ts("e.scheduled"), ts("e.processed"), q)),
                      "    ");
            } catch (const std::exception& e) {
                out << "  (database: " << e.what() << ")\n";
            }
        }
        out << "  dmsd log (last lines naming the zone):\n";
        for (const auto& line : grep_tail(dms.dmsd_log_path(), zone, 12)) {
            out << "    " << line << '\n';
        }
        // named's own lines on the zone (loads, NOTIFYs, transfers it asked for), not
        // the transfers the checks made ("client @...").
        const auto named_lines = [&](const std::string& who, const std::filesystem::path& log) {
            out << "  " << who << " named log (last lines on the zone):\n";
            const auto bare = zone.substr(0, zone.size() - 1);
            for (const auto& line : grep_tail(log, "zone " + bare + "/IN:", 6)) {
                out << "    " << line << '\n';
            }
        };
        named_lines("master", dms.master().dir() / "named.log");
        for (std::size_t i = 0; i < dms.slave_count(); ++i) {
            named_lines(dms.slave(i).name(), dms.slave(i).dir() / "named.log");
        }
        out << '\n';
    }
    if (conn) {
        try {
            pqxx::nontransaction tx(*conn);
            const auto events = [&](const std::string& title, const std::string& where) {
                const auto rows = tx.exec(fmt::format(
                    "SELECT e.id, e.event_type, e.state, coalesce(z.name, s.name, 'master'),"
                    " e.attempts, {}, {}, {}, e.results->>'message', e.last_error"
                    " FROM sm_event_queue e LEFT JOIN sm_zone z ON z.id = e.zone_id"
                    " LEFT JOIN sm_servers s ON s.id = e.server_id WHERE {} ORDER BY e.id"
                    " LIMIT 30",
                    ts("e.created"), ts("e.scheduled"), ts("e.processed"), where));
                if (!rows.empty()) {
                    out << title
                        << " (id | type | state | machine | attempts | created | scheduled | "
                           "processed | message | last_error):\n";
                    table(out, rows, "  ");
                }
            };
            events("FAILURE events", "e.state = 'FAILURE'");
            events("pending zone and master events",
                   "e.processed IS NULL AND (e.zone_id IS NOT NULL OR e.master_id IS NOT NULL)");
            out << "servers (name | state | retry_msg | zone_count | lagging_zones | "
                   "last_check):\n";
            table(out,
                  tx.exec(fmt::format("SELECT name, state, retry_msg, zone_count, lagging_zones, {}"
                                      " FROM sm_servers ORDER BY name",
                                      ts("last_check"))),
                  "  ");
            out << "master (state | hold_sg | hold_stop):\n";
            table(out,
                  tx.exec(fmt::format("SELECT state, hold_sg, {} FROM sm_master", ts("hold_stop"))),
                  "  ");
        } catch (const std::exception& e) {
            out << "(database: " << e.what() << ")\n";
        }
    }
    return out.str();
}

} // namespace dms::test::soak

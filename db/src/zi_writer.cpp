// SPDX-License-Identifier: GPL-3.0-or-later
// The bulk writer of new ZIs: comment ids taken in one statement, references created
// in one, then the rr_comments and resource_records rows streamed by COPY (big ZIs)
// or sent as one INSERT from arrays per table (small ZIs).
#include "zi_writer.hpp"

#include <cctype>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "convert.hpp"
#include "pqxx_access.hpp"

namespace dms::db::detail {
namespace {

/// ZIs with fewer records than this are written with INSERT from arrays, bigger ones
/// with COPY.
constexpr std::size_t small_zi = 500;

/// COPY text format: escape the field separator, line breaks and backslash.
void copy_field(std::string& line, std::string_view v) {
    for (const char c : v) {
        switch (c) {
        case '\\':
            line += "\\\\";
            break;
        case '\t':
            line += "\\t";
            break;
        case '\n':
            line += "\\n";
            break;
        case '\r':
            line += "\\r";
            break;
        default:
            line += c;
        }
    }
}

void copy_null(std::string& line) {
    line += "\\N";
}

std::string lower(std::string s) {
    for (auto& c : s) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return s;
}

/// Reference name (lower case) -> id, creating the missing ones.
std::unordered_map<std::string, std::int64_t> reference_ids(pqxx::work& w,
                                                            const std::vector<ZiContent>& items) {
    std::vector<std::string> names;
    std::map<std::string, std::string> wanted; // lower -> as written
    for (const auto& item : items) {
        for (const auto& g : item.zone->groups) {
            for (const auto& rr : g.rrs) {
                if (!rr.reference.empty()) {
                    wanted.emplace(lower(rr.reference), rr.reference);
                }
            }
        }
    }
    std::unordered_map<std::string, std::int64_t> ids;
    if (wanted.empty()) {
        return ids;
    }
    names.reserve(wanted.size());
    for (const auto& [l, orig] : wanted) {
        names.push_back(orig);
    }
    w.exec_prepared0("zi_reference_create", text_array(names));
    std::vector<std::string> lowers;
    lowers.reserve(wanted.size());
    for (const auto& [l, orig] : wanted) {
        lowers.push_back(l);
    }
    for (const auto& r : w.exec_prepared("zi_reference_ids", text_array(lowers))) {
        ids.emplace(r[1].c_str(), r[0].as<std::int64_t>());
    }
    return ids;
}

// libpqxx 6.4 marks tablewriter deprecated, yet it is the only public way to send
// preformatted COPY lines (stream_to keeps write_raw_line private); rows are batched
// into one write per 2000 lines, which keeps a million-record load fast.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

/// Rows for one table: COPY lines sent in batches (big ZIs), or one array per column
/// for a prepared INSERT ... SELECT FROM unnest() (small ZIs). Fields are added in
/// column order; numbers and booleans go in as their text.
class RowSink {
public:
    RowSink(pqxx::work& w, const std::string& table, const std::vector<std::string>& cols,
            const char* insert_statement)
        : m_work(w), m_statement(insert_statement), m_arrays(insert_statement ? cols.size() : 0) {
        if (!insert_statement) {
            m_writer.emplace(w, table, cols.begin(), cols.end());
        }
    }
    void field(std::string_view v) {
        if (m_writer) {
            separate();
            copy_field(m_batch, v);
            return;
        }
        m_arrays[m_column++].add(v);
    }
    void null() {
        if (m_writer) {
            separate();
            copy_null(m_batch);
            return;
        }
        m_arrays[m_column++].add_null();
    }
    void end_row() {
        m_column = 0;
        ++m_rows;
        if (!m_writer) {
            return;
        }
        if (m_rows % 2000 == 0) {
            flush();
        } else {
            m_batch += '\n';
        }
    }
    void finish() {
        if (m_writer) {
            if (!m_batch.empty()) {
                if (m_batch.back() == '\n') {
                    m_batch.pop_back();
                }
                flush();
            }
            m_writer->complete();
            return;
        }
        if (m_rows == 0) {
            return;
        }
        pqxx::prepare::invocation inv = m_work.prepared(m_statement);
        std::vector<std::string> texts; // alive until exec()
        texts.reserve(m_arrays.size());
        for (const auto& a : m_arrays) {
            texts.push_back(a.str());
            inv(texts.back());
        }
        inv.exec();
    }

private:
    void separate() {
        if (m_column++ > 0) {
            m_batch += '\t';
        }
    }
    void flush() {
        if (!m_batch.empty()) {
            m_writer->write_raw_line(m_batch);
            m_batch.clear();
        }
    }
    pqxx::work& m_work;
    const char* m_statement;
    std::optional<pqxx::tablewriter> m_writer;
    std::vector<ArrayText> m_arrays;
    std::string m_batch;
    std::size_t m_rows = 0;
    std::size_t m_column = 0;
};

#pragma GCC diagnostic pop

} // namespace

void write_zi_content(pqxx::work& w, const std::vector<ZiContent>& items) {
    // Comment ids: one per commented or tagged group, one per record comment.
    std::size_t needed = 0;
    std::size_t records = 0;
    for (const auto& item : items) {
        for (const auto& g : item.zone->groups) {
            needed += (!g.comment.empty() || !g.tag.empty()) ? 1 : 0;
            for (const auto& rr : g.rrs) {
                needed += rr.comment.empty() ? 0 : 1;
            }
        }
        records += item.zone->rr_count();
    }
    std::vector<std::int64_t> ids;
    ids.reserve(needed);
    if (needed > 0) {
        for (const auto& r : w.exec_prepared("zi_comment_ids", static_cast<std::int64_t>(needed))) {
            ids.push_back(r[0].as<std::int64_t>());
        }
    }
    const auto refs = reference_ids(w, items);
    const bool small = records < small_zi;

    // Comment ids in order: each ZI's group comments, then its record comments.
    std::size_t next = 0;
    std::vector<std::vector<std::optional<std::int64_t>>> group_comment(items.size());
    std::vector<std::size_t> rr_comment_start(items.size());
    {
        // Comments belong to the ZI (rr_comments.zi_id) and go with it.
        RowSink cw(w, "rr_comments", {"id", "comment", "tag", "zi_id"},
                   small ? "zi_insert_comments" : nullptr);
        for (std::size_t i = 0; i < items.size(); ++i) {
            const auto& zone = *items[i].zone;
            const std::string zi_text = std::to_string(items[i].zi_id);
            group_comment[i].resize(zone.groups.size());
            for (std::size_t gi = 0; gi < zone.groups.size(); ++gi) {
                const auto& g = zone.groups[gi];
                if (!g.comment.empty() || !g.tag.empty()) {
                    group_comment[i][gi] = ids[next++];
                    cw.field(std::to_string(*group_comment[i][gi]));
                    cw.field(g.comment);
                    if (g.tag.empty()) {
                        cw.null();
                    } else {
                        cw.field(g.tag);
                    }
                    cw.field(zi_text);
                    cw.end_row();
                }
            }
            rr_comment_start[i] = next;
            for (const auto& g : zone.groups) {
                for (const auto& rr : g.rrs) {
                    if (!rr.comment.empty()) {
                        cw.field(std::to_string(ids[next++]));
                        cw.field(rr.comment);
                        cw.null();
                        cw.field(zi_text);
                        cw.end_row();
                    }
                }
            }
        }
        cw.finish();
    }

    {
        RowSink cw(w, "resource_records",
                   {"zi_id", "label", "type", "ttl", "rdata", "comment_group_id", "comment_rr_id",
                    "lock_ptr", "disable", "track_reverse", "ref_id"},
                   small ? "zi_insert_records" : nullptr);
        const auto bool_field = [&](bool b) { cw.field(b ? "t" : "f"); };
        for (std::size_t i = 0; i < items.size(); ++i) {
            const auto& zone = *items[i].zone;
            const std::string zi_text = std::to_string(items[i].zi_id);
            next = rr_comment_start[i];
            for (std::size_t gi = 0; gi < zone.groups.size(); ++gi) {
                const auto gc =
                    group_comment[i][gi] ? std::to_string(*group_comment[i][gi]) : std::string();
                for (const auto& rr : zone.groups[gi].rrs) {
                    cw.field(zi_text);
                    cw.field(rr.label);
                    cw.field(rr.type);
                    if (rr.ttl) {
                        cw.field(*rr.ttl);
                    } else {
                        cw.null();
                    }
                    cw.field(rr.rdata);
                    if (gc.empty()) {
                        cw.null();
                    } else {
                        cw.field(gc);
                    }
                    if (rr.comment.empty()) {
                        cw.null();
                    } else {
                        cw.field(std::to_string(ids[next++]));
                    }
                    bool_field(rr.lock_ptr);
                    bool_field(rr.disable);
                    bool_field(rr.track_reverse);
                    if (rr.reference.empty()) {
                        cw.null();
                    } else {
                        cw.field(std::to_string(refs.at(lower(rr.reference))));
                    }
                    cw.end_row();
                }
            }
        }
        cw.finish();
    }

    // The apex group's comment row is the ZI's apex_comment_group_id.
    std::vector<std::pair<std::int64_t, std::int64_t>> apex; // ZI, comment
    for (std::size_t i = 0; i < items.size(); ++i) {
        const auto& zone = *items[i].zone;
        for (std::size_t gi = 0; gi < zone.groups.size(); ++gi) {
            if (zone.groups[gi].tag == apex_rr_tag && group_comment[i][gi]) {
                apex.emplace_back(items[i].zi_id, *group_comment[i][gi]);
                break;
            }
        }
    }
    if (apex.size() == 1) {
        w.exec_prepared0("zi_set_apex_comment", apex[0].first, apex[0].second);
    } else if (!apex.empty()) {
        ArrayText zi_ids, comment_ids;
        for (const auto& [zi, c] : apex) {
            zi_ids.add(zi);
            comment_ids.add(c);
        }
        w.exec_prepared0("zi_set_apex_comment_many", zi_ids.str(), comment_ids.str());
    }
}

} // namespace dms::db::detail

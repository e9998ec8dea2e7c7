// SPDX-License-Identifier: GPL-3.0-or-later
#include "temp_dir.hpp"

#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace dms::test {

TempDir::TempDir() {
    const auto base = std::filesystem::temp_directory_path() / "dms-test.XXXXXX";
    std::string tmpl = base.string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (mkdtemp(buf.data()) == nullptr) {
        throw std::runtime_error("mkdtemp failed for " + tmpl);
    }
    m_path = buf.data();
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
}

std::string TempDir::write(const std::string& name, const std::string& content) const {
    const auto p = m_path / name;
    std::ofstream out(p, std::ios::binary);
    out << content;
    if (!out) {
        throw std::runtime_error("cannot write " + p.string());
    }
    return p.string();
}

} // namespace dms::test

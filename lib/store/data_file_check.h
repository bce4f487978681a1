// CheckDataFile: reads the two LMDB meta pages of a store's data.mdb with
// plain reads, before anything maps the file, and compares the size the
// newest of them needs with the file's size.
//
// Why: LMDB maps data.mdb and trusts its meta page. A file cut short (a
// copy that stopped early, a full disk during a restore, a bad block) has
// pages the meta page points at but that lie past the end of the file;
// touching them through the map kills the process with SIGBUS, in whatever
// thread reads first, with no word about the cause. Checked up front, the
// damage becomes a Status the daemons report and exit on (FORMAT.md,
// "Damaged data file"; recovery in autoresponder-milter(8)).
//
// Thread-safety: a pure function of the file; reads only.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"

namespace ar {

// What the check found in data.mdb; the fields are valid only when ok.
struct DataFileHeader {
  uint32_t page_size = 0;
  uint64_t last_page = 0;  // the newest meta page's last used page number
  uint64_t txnid = 0;      // its transaction id
  uint64_t file_size = 0;
  bool present = false;  // false: no data.mdb yet, or an empty one (LMDB makes a new store)
};

// Ok when data_file is missing or empty (LMDB creates a new store), or
// when at least one meta page is valid and the newest valid one's pages
// all lie inside the file. Corruption, with a message that names the file
// and points to the recovery section, when the file is shorter than two
// pages, has no valid meta page, or is shorter than its newest meta page
// says. IoError when the file cannot be read.
[[nodiscard]] Status CheckDataFile(const std::string& data_file, DataFileHeader* header = nullptr);

}  // namespace ar

#include "store/data_file_check.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

namespace ar {

namespace {

// The meta page layout of LMDB 0.9 on a 64-bit build (FORMAT.md, "Damaged
// data file"): a 16-byte page header (page number, pad, flags, lower,
// upper), then MDB_meta: magic, version, address, map size, the free and
// main database records (48 bytes each; the free one's first field holds
// the page size), the last used page number and the transaction id.
static_assert(sizeof(void*) == 8, "the meta page offsets below are those of a 64-bit LMDB");
constexpr size_t kFlagsAt = 10;
constexpr uint16_t kMetaPageFlag = 0x08;  // P_META
constexpr size_t kMagicAt = 16;
constexpr size_t kVersionAt = 20;
constexpr size_t kPageSizeAt = 40;
constexpr size_t kLastPageAt = 136;
constexpr size_t kTxnIdAt = 144;
constexpr size_t kMetaBytes = 152;
constexpr uint32_t kMagic = 0xBEEFC0DE;
constexpr uint32_t kDataVersion = 1;

// Where an operator reads what to do next.
constexpr const char* kRecovery = "see RECOVERY in autoresponder-milter(8)";

template <typename T>
T Field(const unsigned char* page, size_t at) {
  T value;
  std::memcpy(&value, page + at, sizeof value);
  return value;
}

struct Meta {
  uint32_t page_size;
  uint64_t last_page;
  uint64_t txnid;
};

// The meta page in bytes, or why it is not one.
std::optional<Meta> ParseMeta(const unsigned char* page, std::string* why) {
  if ((Field<uint16_t>(page, kFlagsAt) & kMetaPageFlag) == 0) {
    *why = "is not a meta page";
    return std::nullopt;
  }
  if (Field<uint32_t>(page, kMagicAt) != kMagic) {
    *why = "has no LMDB magic number";
    return std::nullopt;
  }
  if (Field<uint32_t>(page, kVersionAt) != kDataVersion) {
    *why = "has LMDB data version " + std::to_string(Field<uint32_t>(page, kVersionAt));
    return std::nullopt;
  }
  Meta meta{Field<uint32_t>(page, kPageSizeAt), Field<uint64_t>(page, kLastPageAt),
            Field<uint64_t>(page, kTxnIdAt)};
  // LMDB uses the system page size: a power of two, 512 B to 64 KiB here.
  if (meta.page_size < 512 || meta.page_size > (64u << 10) ||
      (meta.page_size & (meta.page_size - 1)) != 0) {
    *why = "names a page size of " + std::to_string(meta.page_size) + " bytes";
    return std::nullopt;
  }
  return meta;
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

Status Damaged(const std::string& file, const std::string& what) {
  return Status::Corruption("store file " + file + " is damaged: " + what + "; " + kRecovery);
}

}  // namespace

Status CheckDataFile(const std::string& data_file, DataFileHeader* header) {
  DataFileHeader found;
  Fd fd(open(data_file.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) {
      if (header != nullptr) *header = found;
      return Status::Ok();
    }
    return Status::IoError("cannot read " + data_file + ": " + std::strerror(errno));
  }
  struct stat st;
  if (fstat(fd.get(), &st) != 0) {
    return Status::IoError("cannot stat " + data_file + ": " + std::strerror(errno));
  }
  found.file_size = static_cast<uint64_t>(st.st_size);
  // LMDB writes a fresh store into an empty file, as into a missing one.
  if (found.file_size == 0) {
    if (header != nullptr) *header = found;
    return Status::Ok();
  }
  found.present = true;

  unsigned char page[kMetaBytes];
  Meta newest{};
  uint64_t offset = 0;
  for (int i = 0; i < 2; ++i) {
    // The second meta page sits one page after the first, at the page
    // size the first one names (LMDB reads them the same way).
    if (found.file_size < offset + kMetaBytes) {
      return Damaged(data_file, std::to_string(found.file_size) +
                                    " bytes are too short to hold its meta page " +
                                    std::to_string(i) + " (truncated?)");
    }
    ssize_t n = pread(fd.get(), page, sizeof page, static_cast<off_t>(offset));
    if (n < 0) return Status::IoError("cannot read " + data_file + ": " + std::strerror(errno));
    if (static_cast<size_t>(n) != sizeof page) {
      return Damaged(data_file, "meta page " + std::to_string(i) + " cannot be read in full");
    }
    std::string why;
    std::optional<Meta> meta = ParseMeta(page, &why);
    if (!meta) return Damaged(data_file, "meta page " + std::to_string(i) + " " + why);
    if (i == 0) {
      newest = *meta;
      offset = meta->page_size;
    } else if (meta->page_size != newest.page_size) {
      return Damaged(data_file, "its meta pages disagree on the page size");
    } else if (meta->txnid > newest.txnid) {
      newest = *meta;
    }
  }

  found.page_size = newest.page_size;
  found.last_page = newest.last_page;
  found.txnid = newest.txnid;
  // Every page up to last_page is part of the newest commit; LMDB maps
  // them all and would fault (SIGBUS) on the first one past the end.
  const uint64_t needed = (newest.last_page + 1) * newest.page_size;
  if (newest.last_page > (uint64_t{1} << 48) || found.file_size < needed) {
    return Damaged(data_file, "it is " + std::to_string(found.file_size) +
                                  " bytes long, but its newest commit (transaction " +
                                  std::to_string(newest.txnid) + ") needs " +
                                  std::to_string(needed) + " bytes (truncated?)");
  }
  if (header != nullptr) *header = found;
  return Status::Ok();
}

}  // namespace ar

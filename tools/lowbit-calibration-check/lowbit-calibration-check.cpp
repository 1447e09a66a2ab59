//===- lowbit-calibration-check.cpp - entropy threshold of a histogram ----===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//
//
// lowbit-calibration-check <histogram> [numLevels]
//
// Reads a histogram (one non-negative integer count per line, blank lines
// ignored) and prints calibration::entropyThresholdBin of it with numLevels
// levels (default 128). Test driver for test/Quantize/entropy_reference.py.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Quantize/Calibration.h"

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

bool parseInteger(const char *text, unsigned long long &value) {
  if (*text < '0' || *text > '9')
    return false;
  char *end = nullptr;
  errno = 0;
  value = std::strtoull(text, &end, 10);
  while (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')
    ++end;
  return errno == 0 && *end == '\0';
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: %s <histogram> [numLevels]\n", argv[0]);
    return 2;
  }
  int64_t numLevels = 128;
  if (argc == 3) {
    unsigned long long levels = 0;
    if (!parseInteger(argv[2], levels) || levels == 0 || levels > INT64_MAX) {
      std::fprintf(stderr, "error: bad numLevels '%s'\n", argv[2]);
      return 2;
    }
    numLevels = static_cast<int64_t>(levels);
  }

  std::FILE *file = std::fopen(argv[1], "r");
  if (!file) {
    std::fprintf(stderr, "error: cannot open '%s'\n", argv[1]);
    return 2;
  }
  std::vector<uint64_t> bins;
  char line[256];
  int64_t lineNo = 0;
  bool ok = true;
  while (std::fgets(line, sizeof(line), file)) {
    ++lineNo;
    const char *text = line;
    while (*text == ' ' || *text == '\t')
      ++text;
    if (*text == '\n' || *text == '\r' || *text == '\0')
      continue;
    unsigned long long count = 0;
    if (!parseInteger(text, count)) {
      std::fprintf(stderr, "error: %s:%" PRId64 ": not a count\n", argv[1],
                   lineNo);
      ok = false;
      break;
    }
    bins.push_back(count);
  }
  std::fclose(file);
  if (!ok)
    return 2;

  std::printf("%" PRId64 "\n",
              lowbit::calibration::entropyThresholdBin(bins, numLevels));
  return 0;
}

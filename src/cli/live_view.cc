#include "cli/live_view.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>

namespace aviary::cli {

namespace {

int countLines(const std::string& text) { return static_cast<int>(std::count(text.begin(), text.end(), '\n')); }

}  // namespace

TerminalSize terminalSize(int fd) {
  winsize size{};
  if (!isatty(fd) || ioctl(fd, TIOCGWINSZ, &size) != 0 || size.ws_col == 0) return {};
  return {size.ws_col, size.ws_row};
}

std::string LiveView::fitted(const std::string& text) const {
  if (terminal_.columns <= 0) return text;
  std::istringstream lines(text);
  std::string line;
  std::string out;
  const auto width = static_cast<size_t>(terminal_.columns - 1);  // the last column would wrap on some terminals
  while (std::getline(lines, line)) out += (line.size() > width ? line.substr(0, width) : line) + "\n";
  return out;
}

void LiveView::show(const std::string& text) {
  const std::string next = fitted(text);
  if (drawn_ && next == shown_) return;
  if (terminal_.columns <= 0) {
    out_ << (drawn_ ? "\n" : "") << next;
  } else if (drawn_ && shownLines_ < terminal_.rows) {
    out_ << "\x1b[" << shownLines_ << "F\x1b[J" << next;  // up to the block's first line, erase to the end
  } else if (drawn_) {
    out_ << "\x1b[H\x1b[2J" << next;
  } else {
    out_ << next;
  }
  out_.flush();
  shown_ = next;
  shownLines_ = countLines(next);
  drawn_ = true;
}

}  // namespace aviary::cli

#pragma once
// A block of text redrawn in place as it changes (`aviary status --watch`). On a terminal the previous
// drawing is erased with ANSI cursor movements and lines are cut to the terminal's width, so the line
// count stays exact and output before the block (a script's log) is left alone; a block taller than
// the terminal clears the screen instead. Elsewhere (a pipe, a CI log) each new version is appended
// after a blank line. Unchanged text is not drawn again.

#include <ostream>
#include <string>

namespace aviary::cli {

struct TerminalSize {
  int columns = 0;  // 0 = not a terminal
  int rows = 0;
};

// The size of the terminal on file descriptor fd, or {0, 0} when it is not one.
TerminalSize terminalSize(int fd);

class LiveView {
 public:
  LiveView(std::ostream& out, TerminalSize terminal) : out_(out), terminal_(terminal) {}

  void show(const std::string& text);

 private:
  std::string fitted(const std::string& text) const;

  std::ostream& out_;
  TerminalSize terminal_;
  std::string shown_;   // the text as last drawn (after fitting)
  int shownLines_ = 0;  // how many lines that drawing took
  bool drawn_ = false;
};

}  // namespace aviary::cli

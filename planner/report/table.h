#pragma once
// Aligned text tables for people: a header row, numbers right-aligned,
// text left-aligned, two spaces between columns.

#include <string>
#include <vector>

namespace planner::report {

enum class Align { left, right };

class Table {
 public:
  void add_column(std::string header, Align align = Align::right);
  void add_row(std::vector<std::string> cells);
  std::string render() const;
  bool empty() const { return rows_.empty(); }

 private:
  std::vector<std::string> headers_;
  std::vector<Align> aligns_;
  std::vector<std::vector<std::string>> rows_;
};

// 1234567.8 -> "1,234,568" with `decimals` digits after the point.
std::string grouped(double value, int decimals = 0);
// Fixed-point with `decimals` digits: 3.35 -> "3.35".
std::string fixed(double value, int decimals);

}  // namespace planner::report

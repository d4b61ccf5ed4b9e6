#include "report/xlsx.h"

#include <cmath>
#include <map>

#include <fmt/format.h>
#include <xlsxwriter.h>

namespace planner::report {

namespace {

// A number format showing `decimals` digits of the unscaled value, grouped:
// a column shown in millions (scale 1e-6) keeps its whole units.
std::string number_format(const Column& c) {
  if (c.decimals < 0) return "General";
  const int shift = c.scale == 1 ? 0 : static_cast<int>(std::lround(std::log10(c.scale)));
  const int digits = std::max(0, c.decimals + shift);
  return digits == 0 ? "#,##0" : "#,##0." + std::string(static_cast<std::size_t>(digits), '0');
}

class Writer {
 public:
  explicit Writer(lxw_workbook* book) : book_(book) {
    bold_ = workbook_add_format(book_);
    format_set_bold(bold_);
  }

  void about(const Document& doc) {
    lxw_worksheet* sheet = workbook_add_worksheet(book_, "about");
    worksheet_write_string(sheet, 0, 0, doc.title.c_str(), bold_);
    for (std::size_t i = 0; i < doc.lines.size(); ++i)
      worksheet_write_string(sheet, static_cast<lxw_row_t>(i + 1), 0, doc.lines[i].c_str(), nullptr);
  }

  void section(const Section& s) {
    // Sheet names are at most 31 characters and unique; a clash gets a numbered name.
    lxw_worksheet* sheet = workbook_add_worksheet(book_, s.id.substr(0, 31).c_str());
    if (!sheet) sheet = workbook_add_worksheet(book_, fmt::format("sheet{}", ++unnamed_).c_str());
    if (!sheet) return;
    for (std::size_t c = 0; c < s.columns.size(); ++c) {
      worksheet_write_string(sheet, 0, static_cast<lxw_col_t>(c), s.columns[c].key.c_str(), bold_);
      worksheet_set_column(sheet, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), s.columns[c].numeric ? 14 : 18,
                           nullptr);
    }
    for (std::size_t r = 0; r < s.rows.size(); ++r)
      for (std::size_t c = 0; c < s.columns.size(); ++c) cell(sheet, static_cast<lxw_row_t>(r + 1), c, s.columns[c], s.rows[r][c]);
    const auto below = static_cast<lxw_row_t>(s.rows.size() + 2);
    for (std::size_t n = 0; n < s.notes.size(); ++n)
      worksheet_write_string(sheet, below + static_cast<lxw_row_t>(n), 0, s.notes[n].c_str(), nullptr);
    worksheet_freeze_panes(sheet, 1, 0);
  }

 private:
  void cell(lxw_worksheet* sheet, lxw_row_t row, std::size_t col, const Column& column, const Cell& value) {
    const auto c = static_cast<lxw_col_t>(col);
    if (value.number) {
      if (std::isfinite(*value.number)) worksheet_write_number(sheet, row, c, *value.number, format_for(column));
    } else if (!value.text.empty()) {
      worksheet_write_string(sheet, row, c, value.text.c_str(), nullptr);
    }
  }

  lxw_format* format_for(const Column& column) {
    const std::string code = number_format(column);
    auto it = formats_.find(code);
    if (it != formats_.end()) return it->second;
    lxw_format* f = workbook_add_format(book_);
    format_set_num_format(f, code.c_str());
    return formats_[code] = f;
  }

  lxw_workbook* book_;
  lxw_format* bold_ = nullptr;
  int unnamed_ = 0;
  std::map<std::string, lxw_format*> formats_;
};

}  // namespace

std::string write_xlsx(const Document& doc, const std::string& path) {
  lxw_workbook* book = workbook_new(path.c_str());
  if (!book) return fmt::format("cannot create {}", path);
  Writer writer(book);
  writer.about(doc);
  for (const auto& s : doc.sections) writer.section(s);
  const lxw_error e = workbook_close(book);
  if (e != LXW_NO_ERROR) return fmt::format("cannot write {}: {}", path, lxw_strerror(e));
  return "";
}

}  // namespace planner::report

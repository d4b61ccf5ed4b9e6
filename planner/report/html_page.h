#pragma once
// The pieces of an HTML page the report is made of: the document skeleton
// with its print styles, headings, paragraphs, and a Document section as a
// table (numbers right-aligned, as people see them in markdown).

#include <string>

#include "report/document.h"

namespace planner::report {

std::string html_open(const std::string& title);
std::string html_close();
// A Section as <table>, with its title as <h2 id="ID"> unless `heading` is false, and its notes.
std::string html_section(const Section& s, bool heading = true);
std::string html_paragraph(const std::string& text);
std::string html_heading(const std::string& id, const std::string& text);

}  // namespace planner::report

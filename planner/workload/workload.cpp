#include "workload/workload.h"

namespace planner::workload {

std::string_view to_string(Attention a) {
  switch (a) {
    case Attention::mha: return "mha";
    case Attention::gqa: return "gqa";
    case Attention::mla: return "mla";
  }
  return "?";
}

std::string_view to_string(FfnType f) {
  switch (f) {
    case FfnType::swiglu: return "swiglu";
    case FfnType::gelu: return "gelu";
  }
  return "?";
}

std::string_view to_string(Kind k) {
  switch (k) {
    case Kind::training: return "training";
    case Kind::inference: return "inference";
  }
  return "?";
}

double Workload::demanded_output_tokens_per_s() const {
  if (kind != Kind::inference) return 0;
  if (inference.output_tokens_per_s) return *inference.output_tokens_per_s;
  if (inference.requests_per_s) return *inference.requests_per_s * inference.output_tokens;
  return 0;
}

}  // namespace planner::workload

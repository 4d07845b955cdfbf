# Reference values for pipeline/analyse/stats/clustered.py (CR2 + Bell-McCaffrey df), computed ONCE
# with R's clubSandwich (Pustejovsky's reference implementation) and committed.
#
# Regenerate from the repository root (Debian: apt-get install -y --no-install-recommends
# r-base-core r-cran-survey r-cran-clubsandwich):
#
#     Rscript tests/analyse/stats/reference/clustered.R
#
# Produced with R 4.2.2, clubSandwich 0.5.8. Inputs: fixture_workers.csv,
# fixture_companies.csv and r_rows.csv (the post-stratified weight and wfc_score of each
# worker, from reference.R). Output: r_clustered.csv (model, term, quantity, value).
suppressPackageStartupMessages(library(clubSandwich))

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(script)) dirname(normalizePath(script)) else "."

w <- read.csv(file.path(here, "fixture_workers.csv"), na.strings = "", stringsAsFactors = FALSE)
co <- read.csv(file.path(here, "fixture_companies.csv"), stringsAsFactors = FALSE)
rows <- read.csv(file.path(here, "r_rows.csv"), na.strings = "", stringsAsFactors = FALSE)
d <- merge(w, co, by = "company_id", sort = FALSE)
d <- merge(d, rows[, c("resp_id", "w", "wfc_score")], by = "resp_id", sort = FALSE)
d <- d[order(d$resp_id), ]
# A second "wave": respondents with an even number; a within-company comparison.
d$post <- as.integer(as.integer(sub("R", "", d$resp_id)) %% 2 == 0)
d$did <- d$post * d$flex_hours_active
d$fit_good <- as.integer(d$wlb_fit >= 3)

out <- list()
put <- function(model, res) {
  for (i in seq_len(nrow(res))) {
    out[[length(out) + 1]] <<- data.frame(
      model = model, term = res$Coef[i],
      quantity = c("estimate", "se", "df", "p_value"),
      value = sprintf("%.17g", c(res$beta[i], res$SE[i], res$df_Satt[i], res$p_Satt[i])))
  }
}
fitcr <- function(model, f, vars, weighted, keep = NULL) {
  data <- d[complete.cases(d[, vars]), vars]
  environment(f) <- environment()
  fit <- if (weighted) lm(f, data = data, weights = w) else lm(f, data = data)
  res <- coef_test(fit, vcov = "CR2", cluster = data$company_id, test = "Satterthwaite")
  if (!is.null(keep)) res <- res[res$Coef %in% keep, ]
  put(model, res)
}
adj <- c("wfc_score", "flex_hours_active", "gender", "n_children_u14", "work_time", "company_id", "w")
fwfc <- wfc_score ~ flex_hours_active + gender + n_children_u14 + work_time
fitcr("weighted", fwfc, adj, TRUE)
fitcr("unweighted", fwfc, adj, FALSE)
fitcr("lpm_weighted", fit_good ~ flex_hours_active + gender,
      c("fit_good", "flex_hours_active", "gender", "company_id", "w"), TRUE)
fitcr("did_fe", wfc_score ~ post + did + factor(company_id),
      c("wfc_score", "post", "did", "company_id", "w"), TRUE, keep = c("(Intercept)", "post", "did"))

res <- do.call(rbind, out)
write.csv(res, file.path(here, "r_clustered.csv"), row.names = FALSE, quote = TRUE)
cat("wrote", nrow(res), "rows\n")

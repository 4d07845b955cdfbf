# Reference values for tests/analyse/stats/test_design_extras.py, computed ONCE with R and
# committed as a file (the pytest tests never run R).
#
# Regenerate (R >= 4.2 with the survey package), from the repository root:
#
#     Rscript tests/analyse/stats/reference/design_extras.R
#
# Produced with R 4.2 and survey 4.1-1. Inputs: fixture_companies.csv,
# fixture_workers.csv (next to this script). Output (next to this script):
#   r_design_extras.csv  long table: block, item, group, quantity, value (17 significant digits)
#
# What it checks in pipeline/analyse/stats (design.py, weights.py, design_effects.py,
# intervals.py):
#   - design effects (svymean(..., deff = TRUE), overall, on subset() domains and through
#     svyby) on the default design, the same design without fpc, the cluster design and
#     the default design with the minimum-respondents-per-post-stratum rule (3);
#   - Korn-Graubard intervals, svyciprop(method = "beta"), including domains where the
#     proportion is 0 (R returns NA there; the value of the pipeline's convention, the
#     domain's n as effective sample size, is computed here by hand);
#   - the weights of the minimum-post-stratum rule, recomputed here by the rule;
#   - the ANOVA estimator of the intraclass correlation by company (aov/anova, n0);
#   - the other companies of every company (blocks "complement_*"): the published
#     estimates on the domain company_id != c, for every company c;
#   - the published tables (blocks "pub_*"): the wave's design as the pipeline builds it
#     (pipeline.analyse.analysis.survey.wave_design: the default design with the minimum of 3
#     respondents per post-stratum) with Korn-Graubard intervals for shares, as the needs
#     table, the distribution of the answers, the work-life-balance table (with design
#     effects) and the methods appendix's standard errors with and without fpc publish them.

suppressPackageStartupMessages(library(survey))

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(script)) dirname(normalizePath(script)) else "."

# ---- the designs of reference.R (design_block.R) ----
source(file.path(here, "design_block.R"))

# ---- the same design without the finite population correction ----
# (svydesign warns "No weights or probabilities supplied": postStratify sets them)
des_nofpc <- postStratify(suppressWarnings(svydesign(ids = ~1, strata = ~company_id, data = d)),
                          ~cell_key, population = pop)
stopifnot(max(abs(weights(des_nofpc) - d$w)) < 1e-10)

# ---- minimum respondents per post-stratum: 3 ----
# A company whose F or M cell has 1 or 2 respondents is post-stratified as one cell "all"
# of N, as the collapse rule above does for empty cells.
MIN_PS <- 3
d3 <- d
d3$cell <- ifelse(d3$gender %in% c("F", "M"), d3$gender, "other")
cnt$collapse3 <- cnt$collapse | (cnt$F > 0 & cnt$F < MIN_PS) | (cnt$M > 0 & cnt$M < MIN_PS)
d3$collapse <- cnt$collapse3[match(d3$company_id, cnt$company_id)]
d3$cell[d3$collapse] <- "all"
d3$cell_key <- paste(d3$company_id, d3$cell, sep = ":")
pop3 <- rbind(
  data.frame(cell_key = paste(cnt$company_id, "all", sep = ":"), Freq = N, keep = cnt$collapse3),
  data.frame(cell_key = paste(cnt$company_id, "F", sep = ":"), Freq = cnt$popF, keep = !cnt$collapse3 & cnt$F > 0),
  data.frame(cell_key = paste(cnt$company_id, "M", sep = ":"), Freq = cnt$popM, keep = !cnt$collapse3 & cnt$M > 0),
  data.frame(cell_key = paste(cnt$company_id, "other", sep = ":"), Freq = cnt$popO, keep = !cnt$collapse3 & cnt$other > 0)
)
pop3 <- pop3[pop3$keep, c("cell_key", "Freq")]
stopifnot(setequal(pop3$cell_key, unique(d3$cell_key)))
des3 <- postStratify(svydesign(ids = ~1, strata = ~company_id, fpc = ~n_employees, data = d3),
                     ~cell_key, population = pop3)
d3$w <- weights(des3)
stopifnot(abs(sum(d3$w) - sum(co$n_employees)) < 1e-8)
cdes3 <- svydesign(ids = ~company_id, weights = ~w, data = d3)

# ---- analysis variables (scale score as in reference.R; 0/1 indicators) ----
score <- function(m, min_valid) {
  k <- rowSums(!is.na(m))
  ifelse(k >= min_valid, rowMeans(m, na.rm = TRUE), NA)
}
vars <- data.frame(
  wfc_score = score(d[, paste0("wfc_", 1:5)], 4),
  wlb_fit = d$wlb_fit,
  flex_ge3 = as.numeric(d$need_imp_FLEX_HOURS >= 3),
  nursery_ge3 = as.numeric(d$need_imp_NURSERY_SHARED >= 3),
  eldercare_ge3 = as.numeric(d$need_imp_ELDERCARE_SERVICES >= 3),
  flex_eq4 = as.numeric(d$need_imp_FLEX_HOURS == 4),
  eldercare_eq4 = as.numeric(d$need_imp_ELDERCARE_SERVICES == 4),
  wlb_ge1 = as.numeric(d$wlb_fit >= 1),
  fwc_score = score(d[, paste0("fwc_", 1:5)], 4),
  wlb_good = as.numeric(d$wlb_fit <= 2)
)
designs <- list(strat = des, nofpc = des_nofpc, cluster = cdes, strat_min3 = des3,
                cluster_min3 = cdes3)
designs <- lapply(designs, function(x) do.call(update, c(list(x), as.list(vars))))
d <- cbind(d, vars)

# ---- long result table ----
out <- list()
put <- function(block, item, group, ...) {
  v <- list(...)
  out[[length(out) + 1]] <<- data.frame(block = block, item = item, group = group,
                                        quantity = names(v), value = unlist(v, use.names = FALSE))
}

groups <- c("all", "F", "M", "X", "NR")
in_group <- function(g) if (g == "all") rep(TRUE, nrow(d)) else d$gender == g

# Weights of the min-post-stratum rule: one value per company x cell.
k <- !duplicated(d3$cell_key)
for (i in which(k)) {
  put("weights_min3", d3$company_id[i], sub(".*:", "", d3$cell_key[i]), weight = d3$w[i],
      collapsed = as.numeric(d3$collapse[i]))
}

# Design effects: svymean(deff = TRUE) on subset() domains and through svyby.
# R: deff = v / vsrs, vsrs = svyvar(x) * (psum - nobs) / (psum * nobs), where psum is the
# domain's weighted total, nobs its respondents (non-zero weights) and svyvar the weighted
# variance with the n / (n - 1) factor -- whatever the design's fpc.
for (kind in names(designs)) {
  design <- designs[[kind]]
  for (item in c("wfc_score", "wlb_fit", "flex_ge3", "eldercare_ge3")) {
    for (g in groups) {
      keep <- !is.na(d[[item]]) & in_group(g)
      sub <- design[keep, ]
      m <- svymean(as.formula(paste0("~", item)), sub, na.rm = TRUE, deff = TRUE)
      put(paste0("deff_", kind), item, g, estimate = unname(coef(m)), se = unname(SE(m)),
          deff = unname(deff(m)), df = degf(sub), n = sum(keep))
    }
    sub <- design[!is.na(d[[item]]), ]
    b <- svyby(as.formula(paste0("~", item)), ~gender, sub, svymean, deff = TRUE, na.rm = TRUE)
    for (i in seq_len(nrow(b))) {
      put(paste0("deff_", kind, "_svyby"), item, as.character(b$gender[i]),
          estimate = b[i, item], se = b$se[i], deff = b[i, grep("^DEff", names(b))])
    }
  }
}

# Korn-Graubard intervals: svyciprop(method = "beta"). Note what R does:
#   n.eff = p (1 - p) / v * (qt(alpha/2, nrow(design) - 1) / qt(alpha/2, degf(design)))^2
# where nrow(design) is, for a post-stratified design, the number of rows of the WHOLE
# design (subset() of a calibrated design keeps every row, with weight 0): the pipeline
# does the same. At p = 0 (v = 0) R returns NA; the pipeline then takes the domain's
# respondents as the effective sample size (Korn & Graubard 1998: design effect 1), with
# the same df factor: kg_ci_low / kg_ci_high below are that rule computed here.
alpha <- 0.05
for (kind in c("strat", "nofpc", "cluster")) {
  design <- designs[[kind]]
  for (item in c("flex_ge3", "nursery_ge3", "eldercare_ge3", "flex_eq4", "eldercare_eq4", "wlb_ge1")) {
    for (g in groups) {
      keep <- !is.na(d[[item]]) & in_group(g)
      sub <- design[keep, ]
      # At p = 1, v is rounding noise (p = 0.99999999999999989): n.eff is huge and qbeta
      # warns "not accurate"; those R intervals are not used by the tests.
      ci <- suppressWarnings(svyciprop(as.formula(paste0("~", item)), sub, method = "beta", na.rm = TRUE))
      p <- unname(coef(ci))
      nd <- sum(keep)
      ratio <- (qt(alpha / 2, nrow(sub) - 1) / qt(alpha / 2, degf(sub)))^2
      kg <- c(qbeta(alpha / 2, nd * ratio * p, nd * ratio * (1 - p) + 1),
              qbeta(1 - alpha / 2, nd * ratio * p + 1, nd * ratio * (1 - p)))
      put(paste0("beta_", kind), item, g, estimate = p,
          ci_low = unname(attr(ci, "ci")[1]), ci_high = unname(attr(ci, "ci")[2]),
          kg_ci_low = kg[1], kg_ci_high = kg[2], nrow = nrow(sub), df = degf(sub), n = nd)
    }
    sub <- design[!is.na(d[[item]]), ]
    b <- suppressWarnings(svyby(as.formula(paste0("~", item)), ~gender, sub, svyciprop,
                                method = "beta", vartype = "ci", na.rm = TRUE))
    for (i in seq_len(nrow(b))) {
      put(paste0("beta_", kind, "_svyby"), item, as.character(b$gender[i]),
          estimate = b[i, item], ci_low = b$ci_l[i], ci_high = b$ci_u[i])
    }
  }
}

# Intraclass correlation by company, ANOVA estimator (one-way random effects), unweighted:
# ICC = (MSB - MSW) / (MSB + (n0 - 1) MSW), n0 = (N - sum(n_i^2) / N) / (K - 1).
for (item in c("wfc_score", "wlb_fit", "flex_ge3")) {
  k <- !is.na(d[[item]])
  y <- d[[item]][k]
  cl <- factor(d$company_id[k])
  a <- anova(aov(y ~ cl))
  msb <- a[1, "Mean Sq"]; msw <- a[2, "Mean Sq"]
  ni <- as.vector(table(cl)); Nn <- length(y); K <- length(ni)
  n0 <- (Nn - sum(ni^2) / Nn) / (K - 1)
  put("icc", item, "all", estimate = (msb - msw) / (msb + (n0 - 1) * msw), msb = msb,
      msw = msw, n0 = n0, n = Nn, n_clusters = K, mean_cluster_size = Nn / K)
}

# ---- the published tables: the wave's design and Korn-Graubard intervals ----
# The pipeline publishes every estimate of the worker survey on the default design with
# the minimum of 3 respondents per post-stratum (des3 above, "strat_min3"), shares with
# svyciprop(method = "beta") and means with a t interval on degf() of the domain.
des3_nofpc <- postStratify(suppressWarnings(svydesign(ids = ~1, strata = ~company_id, data = d3)),
                           ~cell_key, population = pop3)
stopifnot(max(abs(weights(des3_nofpc) - d3$w)) < 1e-10)
des3_nofpc <- do.call(update, c(list(des3_nofpc), as.list(vars)))
wave <- designs$strat_min3
published_groups <- c("all", "F", "M")

kg_share <- function(design, item, keep) {
  sub <- design[keep, ]
  m <- svymean(as.formula(paste0("~", item)), sub, na.rm = TRUE, deff = TRUE)
  ci <- suppressWarnings(svyciprop(as.formula(paste0("~", item)), sub, method = "beta",
                                   na.rm = TRUE))
  list(estimate = unname(coef(ci)), se = unname(SE(m)), ci_low = unname(attr(ci, "ci")[1]),
       ci_high = unname(attr(ci, "ci")[2]), deff = unname(deff(m)), df = degf(sub),
       n = sum(keep))
}
t_mean <- function(design, item, keep) {
  sub <- design[keep, ]
  m <- svymean(as.formula(paste0("~", item)), sub, na.rm = TRUE, deff = TRUE)
  ci <- confint(m, df = degf(sub))
  list(estimate = unname(coef(m)), se = unname(SE(m)), ci_low = ci[1], ci_high = ci[2],
       deff = unname(deff(m)), df = degf(sub), n = sum(keep))
}

# The needs table: share rating a measure 3 or 4 among the valid answers, all and by gender.
for (item in c("flex_ge3", "nursery_ge3", "eldercare_ge3")) {
  for (g in published_groups) {
    do.call(put, c(list("pub_needs", item, g), kg_share(wave, item, !is.na(d[[item]]) & in_group(g))))
  }
}
# The distribution of the answers (1-4) of a need: share of each answer, all respondents.
for (k in 1:4) {
  wave <- update(wave, tmp = as.numeric(d$need_imp_FLEX_HOURS == k))
  do.call(put, c(list("pub_distribution", "FLEX_HOURS", as.character(k)),
                 kg_share(wave, "tmp", !is.na(d$need_imp_FLEX_HOURS))))
}
# The work-life-balance table: conflict scores (means) and hours that fit well (share),
# with design effects (svymean(deff = TRUE)).
for (g in published_groups) {
  for (item in c("wfc_score", "fwc_score")) {
    do.call(put, c(list("pub_balance", item, g), t_mean(wave, item, !is.na(d[[item]]) & in_group(g))))
  }
  do.call(put, c(list("pub_balance", "wlb_good", g),
                 kg_share(wave, "wlb_good", !is.na(d$wlb_good) & in_group(g))))
}
# Every company's "other companies" (stratum_complements, the company reports' network):
# the same estimates on the domain of the other companies' valid answers.
for (cid in sort(unique(d$company_id))) {
  for (item in c("flex_ge3", "eldercare_ge3")) {
    do.call(put, c(list("complement_needs", item, cid),
                   kg_share(wave, item, !is.na(d[[item]]) & d$company_id != cid)))
  }
  do.call(put, c(list("complement_balance", "wfc_score", cid),
                 t_mean(wave, "wfc_score", !is.na(d$wfc_score) & d$company_id != cid)))
}
# The methods appendix: the same estimates on the same design without fpc.
for (item in c("wfc_score", "wlb_good")) {
  keep <- !is.na(d[[item]])
  m <- svymean(as.formula(paste0("~", item)), des3_nofpc[keep, ], na.rm = TRUE)
  put("pub_nofpc", item, "all", estimate = unname(coef(m)), se = unname(SE(m)), n = sum(keep))
}
# Intra-company correlation of the published indicators (ANOVA estimator, as above).
for (item in c("fwc_score", "wlb_good")) {
  k <- !is.na(d[[item]])
  a <- anova(aov(d[[item]][k] ~ factor(d$company_id[k])))
  msb <- a[1, "Mean Sq"]; msw <- a[2, "Mean Sq"]
  ni <- as.vector(table(d$company_id[k])); Nn <- sum(k); K <- length(ni)
  n0 <- (Nn - sum(ni^2) / Nn) / (K - 1)
  put("icc", item, "all", estimate = (msb - msw) / (msb + (n0 - 1) * msw), msb = msb,
      msw = msw, n0 = n0, n = Nn, n_clusters = K, mean_cluster_size = Nn / K)
}

res <- do.call(rbind, out)
res$value <- ifelse(is.na(res$value), "", sprintf("%.17g", res$value))
write.csv(res, file.path(here, "r_design_extras.csv"), row.names = FALSE)
cat("wrote", nrow(res), "reference values\n")

# Reference values of pipeline.analyse.stats.regression (survey-weighted regression, R's svyglm),
# computed ONCE with R and committed as a file; tests/analyse/stats/test_regression.py reads it and
# never runs R.
#
# Regenerate (needs R >= 4.2 with the package survey; on Debian:
# apt-get install -y --no-install-recommends r-base-core r-cran-survey), from the
# repository root:
#
#     Rscript tests/analyse/stats/reference/regression.R
#
# Produced with R 4.2.2, survey 4.1-1.
# Inputs: fixture_companies.csv, fixture_workers.csv (next to this script).
# Output (next to this script):
#   r_regression.csv  long table: model, term, quantity, value (17 significant digits)
#
# The designs are built exactly as in reference.R (design_block.R, sourced); the outcomes
# are then added to `d` and to the designs with update().
#
# What the survey 4.1-1 code does, and what the Python side matches:
# - svyglm fits glm() with the design weights, then design[-na.action, ]: for the
#   post-stratified (calibrated) design the rows with a missing value keep their place
#   with weight 0 (prob = Inf), for the other designs they are dropped but each stratum
#   keeps its original number of PSUs (fpc$sampsize), so onestrat() pads the missing PSUs
#   with zeros. Both equal "influence 0 outside the domain, on the full design".
# - Variance: svyrecvar(estfun %*% solve(X'WX), ...), post-strata residualised first.
# - df.residual = degf(design) + 1 - p, with degf counting only rows of non-zero weight;
#   summary() uses t with it, and confint.svyglm's default (ddf = NULL) uses the same df.
# - The quasibinomial fits are converged tightly (epsilon 1e-12, then refitted from the
#   converged coefficients, so that glm's working weights, evaluated at the start of the
#   last iteration, are those of the final coefficients).

suppressPackageStartupMessages({
  library(survey)
})

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(script)) dirname(normalizePath(script)) else "."

# ---- the designs of reference.R (design_block.R) ----
source(file.path(here, "design_block.R"))

# ---- outcomes (scale score as reference.R: mean of the valid items, at least 4 of 5) ----
score <- function(m, min_valid) {
  k <- rowSums(!is.na(m))
  ifelse(k >= min_valid, rowMeans(m, na.rm = TRUE), NA)
}
d$wfc_score <- score(d[, paste0("wfc_", 1:5)], 4)
d$wlb_fit_good <- as.numeric(d$wlb_fit >= 3)  # NA stays NA
# flex_hours_active is the company-level binary regressor (0/1 in fixture_companies.csv)

des <- update(des, wfc_score = d$wfc_score, wlb_fit_good = d$wlb_fit_good)
cdes <- update(cdes, wfc_score = d$wfc_score, wlb_fit_good = d$wlb_fit_good)

udes <- svydesign(ids = ~1, data = d)  # unweighted simple random sample, no fpc (warns)

# ---- fits ----
out <- list()
put <- function(model, term, ...) {
  v <- list(...)
  out[[length(out) + 1]] <<- data.frame(model = model, term = term, quantity = names(v),
                                        value = unlist(v, use.names = FALSE))
}

ctl <- glm.control(epsilon = 1e-12, maxit = 100)
fit_one <- function(model, f, design, family, kind, cols, dom) {
  # do.call: svyglm evaluates glm()'s extra arguments in its own frame, so they are
  # passed as values
  fit <- if (family == "gaussian") {
    do.call(svyglm, list(f, design, control = ctl))
  } else {
    f1 <- do.call(svyglm, list(f, design, family = quasibinomial(), control = ctl))
    do.call(svyglm, list(f, design, family = quasibinomial(), start = coef(f1), control = ctl))
  }
  stopifnot(fit$converged, !anyNA(coef(fit)))
  s <- summary(fit)$coefficients
  ci <- confint(fit)                       # default ddf = NULL -> fit$df.residual
  ci_z <- confint(fit, ddf = Inf)          # normal interval, recorded for the docs only
  used <- dom & complete.cases(d[, cols])
  n_clusters <- if (kind == "unweighted") 1 else length(unique(d$company_id[used]))
  for (term in rownames(s)) {
    put(model, term, estimate = s[term, 1], se = s[term, 2], statistic = s[term, 3],
        p_value = s[term, 4], df = fit$df.residual, ci_low = ci[term, 1],
        ci_high = ci[term, 2], z_ci_low = ci_z[term, 1], z_ci_high = ci_z[term, 2],
        n = sum(used), n_clusters = n_clusters, degf = degf(fit$survey.design))
  }
}

designs <- list(strat = des, cluster = cdes, unweighted = udes)
rhs_all <- "flex_hours_active + gender + n_children_u14 + work_time"
rhs_f <- "flex_hours_active + n_children_u14 + work_time"
for (family in c("gaussian", "quasibinomial")) {
  y <- if (family == "gaussian") "wfc_score" else "wlb_fit_good"
  for (kind in names(designs)) {
    design <- designs[[kind]]
    fit_one(paste(family, kind, "all", sep = "_"), as.formula(paste(y, "~", rhs_all)),
            design, family, kind, c(y, "flex_hours_active", "gender", "n_children_u14", "work_time"),
            rep(TRUE, nrow(d)))
    # domain: women only (subset keeps all rows of the calibrated design, weight 0)
    fit_one(paste(family, kind, "F", sep = "_"), as.formula(paste(y, "~", rhs_f)),
            subset(design, gender == "F"), family, kind,
            c(y, "flex_hours_active", "n_children_u14", "work_time"), d$gender == "F")
  }
}

res <- do.call(rbind, out)
res$value <- ifelse(is.na(res$value), "", sprintf("%.17g", res$value))
write.csv(res, file.path(here, "r_regression.csv"), row.names = FALSE)
cat("wrote", nrow(res), "reference values\n")

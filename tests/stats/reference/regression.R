# Reference values of pipeline.stats.regression (survey-weighted regression, R's svyglm),
# computed ONCE with R and committed as a file; tests/stats/test_regression.py reads it and
# never runs R.
#
# Regenerate (needs R >= 4.2 with the package survey; on Debian:
# apt-get install -y --no-install-recommends r-base-core r-cran-survey), from the
# repository root:
#
#     Rscript tests/stats/reference/regression.R
#
# Produced with R 4.2.2, survey 4.1-1.
# Inputs: fixture_companies.csv, fixture_workers.csv (next to this script).
# Output (next to this script):
#   r_regression.csv  long table: model, term, quantity, value (17 significant digits)
#
# The designs are built exactly as in reference.R (its design-building block is copied
# below unchanged); the outcomes are computed on `d` before the designs are built, which
# does not change the designs.
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

options(survey.lonely.psu = "remove")

w <- read.csv(file.path(here, "fixture_workers.csv"), na.strings = "", stringsAsFactors = FALSE)
co <- read.csv(file.path(here, "fixture_companies.csv"), stringsAsFactors = FALSE)
d <- merge(w, co, by = "company_id", sort = FALSE)
d <- d[order(d$resp_id), ]
rownames(d) <- NULL

# ---- outcomes (scale score as reference.R: mean of the valid items, at least 4 of 5) ----
score <- function(m, min_valid) {
  k <- rowSums(!is.na(m))
  ifelse(k >= min_valid, rowMeans(m, na.rm = TRUE), NA)
}
d$wfc_score <- score(d[, paste0("wfc_", 1:5)], 4)
d$wlb_fit_good <- as.numeric(d$wlb_fit >= 3)  # NA stays NA
# flex_hours_active is the company-level binary regressor (0/1 in fixture_companies.csv)

# ---- design-building block, copied from reference.R ----
d$cell <- ifelse(d$gender %in% c("F", "M"), d$gender, "other")
cnt <- as.data.frame.matrix(table(d$company_id, factor(d$cell, levels = c("F", "M", "other"))))
cnt$company_id <- rownames(cnt)
cnt <- merge(cnt, co, by = "company_id")
cnt$n <- cnt$F + cnt$M + cnt$other
N <- cnt$n_employees; s <- cnt$share_women; fo <- cnt$other / cnt$n
cnt$popF <- N * s * (1 - fo)
cnt$popM <- N * (1 - s) * (1 - fo)
cnt$popO <- N * fo
cnt$collapse <- (cnt$F == 0 & cnt$popF > 0) | (cnt$M == 0 & cnt$popM > 0) |
  (cnt$F > 0 & cnt$popF == 0) | (cnt$M > 0 & cnt$popM == 0)
d$collapse <- cnt$collapse[match(d$company_id, cnt$company_id)]
d$cell[d$collapse] <- "all"
d$cell_key <- paste(d$company_id, d$cell, sep = ":")
pop <- rbind(
  data.frame(cell_key = paste(cnt$company_id, "all", sep = ":"), Freq = N, keep = cnt$collapse),
  data.frame(cell_key = paste(cnt$company_id, "F", sep = ":"), Freq = cnt$popF, keep = !cnt$collapse & cnt$F > 0),
  data.frame(cell_key = paste(cnt$company_id, "M", sep = ":"), Freq = cnt$popM, keep = !cnt$collapse & cnt$M > 0),
  data.frame(cell_key = paste(cnt$company_id, "other", sep = ":"), Freq = cnt$popO, keep = !cnt$collapse & cnt$other > 0)
)
pop <- pop[pop$keep, c("cell_key", "Freq")]
stopifnot(setequal(pop$cell_key, unique(d$cell_key)))

des0 <- svydesign(ids = ~1, strata = ~company_id, fpc = ~n_employees, data = d)
des <- postStratify(des0, ~cell_key, population = pop)
d$w <- weights(des)
stopifnot(abs(sum(d$w) - sum(co$n_employees)) < 1e-8)

# Cluster (province-level) sensitivity design: companies as sampled clusters.
cdes <- svydesign(ids = ~company_id, weights = ~w, data = d)
# ---- end of the copied block ----

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

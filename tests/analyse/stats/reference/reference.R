# Reference values for tests/stats, computed ONCE with R and committed as files.
#
# Regenerate (needs R >= 4.2 with the packages survey, psych, effectsize, sandwich; on
# Debian: apt-get install -y --no-install-recommends r-base-core r-cran-survey
# r-cran-psych r-cran-effectsize r-cran-sandwich), from the repository root:
#
#     python tests/analyse/stats/reference/make_fixture.py     # only if the fixture must change
#     Rscript tests/analyse/stats/reference/reference.R
#
# Produced with R 4.2.2, survey 4.1-1, psych 2.2.9, effectsize 0.8.3, sandwich 3.0-2.
# Inputs: fixture_companies.csv, fixture_workers.csv (next to this script).
# Outputs (next to this script):
#   r_rows.csv       one row per worker: post-stratified weight, cell, scale scores
#   r_reference.csv  long table: block, item, group, quantity, value (17 significant digits)
#
# The pytest tests never run R: they read these files.

suppressPackageStartupMessages({
  library(survey)
  library(psych)
  library(effectsize)
  library(sandwich)
})

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(script)) dirname(normalizePath(script)) else "."

# One respondent in a company (a stratum with a single PSU) makes R's default
# survey.lonely.psu = "fail" stop. After post-stratification the linearised residual of a
# single respondent is exactly zero (its cell is the whole company), so "remove",
# "certainty" and "adjust" all give the same variance contribution: 0. This is the rule
# pipeline/analyse/stats/linearisation.py implements.
options(survey.lonely.psu = "remove")

w <- read.csv(file.path(here, "fixture_workers.csv"), na.strings = "", stringsAsFactors = FALSE)
co <- read.csv(file.path(here, "fixture_companies.csv"), stringsAsFactors = FALSE)
d <- merge(w, co, by = "company_id", sort = FALSE)
d <- d[order(d$resp_id), ]
rownames(d) <- NULL

# ---- post-stratification cells and populations, as DATA_CONTRACT.md "Survey design" ----
d$cell <- ifelse(d$gender %in% c("F", "M"), d$gender, "other")
cnt <- as.data.frame.matrix(table(d$company_id, factor(d$cell, levels = c("F", "M", "other"))))
cnt$company_id <- rownames(cnt)
cnt <- merge(cnt, co, by = "company_id")
cnt$n <- cnt$F + cnt$M + cnt$other
N <- cnt$n_employees; s <- cnt$share_women; fo <- cnt$other / cnt$n
cnt$popF <- N * s * (1 - fo)
cnt$popM <- N * (1 - s) * (1 - fo)
cnt$popO <- N * fo
# Collapse: a gender cell without respondents but with population, or (extension of the
# contract, where R's postStratify would stop) a cell with respondents but no population.
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

# ---- scale scores: mean of the valid items, at least 4 of 5 (codebook) ----
score <- function(m, min_valid) {
  k <- rowSums(!is.na(m))
  ifelse(k >= min_valid, rowMeans(m, na.rm = TRUE), NA)
}
d$wfc_score <- score(d[, paste0("wfc_", 1:5)], 4)
d$fwc_score <- score(d[, paste0("fwc_", 1:5)], 4)
des <- update(des, wfc_score = d$wfc_score, fwc_score = d$fwc_score)
cdes <- update(cdes, wfc_score = d$wfc_score, fwc_score = d$fwc_score)

rows <- d[, c("resp_id", "cell_key", "w", "wfc_score", "fwc_score")]
for (v in c("w", "wfc_score", "fwc_score")) rows[[v]] <- ifelse(is.na(rows[[v]]), "", sprintf("%.17g", rows[[v]]))
write.csv(rows, file.path(here, "r_rows.csv"), row.names = FALSE)

# ---- long result table ----
out <- list()
put <- function(block, item, group, ...) {
  v <- list(...)
  out[[length(out) + 1]] <<- data.frame(block = block, item = item, group = group,
                                        quantity = names(v), value = unlist(v, use.names = FALSE))
}

groups <- c("all", "F", "M", "X", "NR")
in_group <- function(g) if (g == "all") rep(TRUE, nrow(d)) else d$gender == g

# Proportion of y >= 3 among valid answers: svymean for estimate and SE, svyciprop(logit)
# for the CI, degf() of the domain for the t quantile.
prop_block <- function(design, label) {
  for (item in c("need_imp_FLEX_HOURS", "need_imp_NURSERY_SHARED", "need_imp_ELDERCARE_SERVICES")) {
    for (g in groups) {
      keep <- !is.na(d[[item]]) & in_group(g)
      sub <- design[keep, ]
      f <- as.formula(paste0("~I(", item, ">=3)"))
      m <- svymean(f, sub, na.rm = TRUE)
      ci <- svyciprop(as.formula(paste0("~I(", item, ">=3)")), sub, method = "logit")
      # "xlogit": the same logit interval from svymean + svycontrast (delta method), with
      # no glm fit. R's svyglm fit diverges on some tiny domains (IRLS on a subset()
      # design, where the rows outside the domain carry weight 0), returning [0, 0]:
      # the tests compare with "logit" where that fit converged, and with "xlogit" always.
      xci <- svyciprop(as.formula(paste0("~I(", item, ">=3)")), sub, method = "xlogit", na.rm = TRUE)
      put(label, item, g, estimate = unname(coef(m))[2], se = unname(SE(m))[2],
          ci_low = unname(attr(ci, "ci")[1]), ci_high = unname(attr(ci, "ci")[2]),
          xlogit_ci_low = unname(attr(xci, "ci")[1]), xlogit_ci_high = unname(attr(xci, "ci")[2]),
          df = degf(sub), n = sum(keep))
    }
    # the same through svyby (what a by-gender table would call)
    sub <- design[!is.na(d[[item]]), ]
    b <- svyby(as.formula(paste0("~I(", item, ">=3)")), ~gender, sub, svyciprop,
               method = "logit", vartype = c("se", "ci"))
    for (i in seq_len(nrow(b))) {
      put(paste0(label, "_svyby"), item, as.character(b$gender[i]),
          estimate = b[i, 2], ci_low = b$ci_l[i], ci_high = b$ci_u[i])
    }
  }
}
prop_block(des, "prop_strat")
prop_block(cdes, "prop_cluster")

# Means with t CIs on the domain's degrees of freedom.
mean_block <- function(design, label) {
  for (item in c("wfc_score", "wlb_fit")) {
    for (g in groups) {
      keep <- !is.na(d[[item]]) & in_group(g)
      sub <- design[keep, ]
      m <- svymean(as.formula(paste0("~", item)), sub, na.rm = TRUE)
      ci <- confint(m, df = degf(sub))
      put(label, item, g, estimate = unname(coef(m)), se = unname(SE(m)),
          ci_low = ci[1], ci_high = ci[2], df = degf(sub), n = sum(keep))
    }
  }
}
mean_block(des, "mean_strat")
mean_block(cdes, "mean_cluster")

# Likert distribution of wlb_fit: share of each category among valid answers.
for (g in c("all", "F", "M")) {
  keep <- !is.na(d$wlb_fit) & in_group(g)
  sub <- des[keep, ]
  m <- svymean(~factor(wlb_fit), sub, na.rm = TRUE)
  for (k in 1:4) {
    ci <- svyciprop(as.formula(paste0("~I(wlb_fit==", k, ")")), sub, method = "logit")
    xci <- svyciprop(as.formula(paste0("~I(wlb_fit==", k, ")")), sub, method = "xlogit", na.rm = TRUE)
    put("likert_wlb_fit", as.character(k), g, estimate = unname(coef(m))[k],
        se = unname(SE(m))[k], ci_low = unname(attr(ci, "ci")[1]),
        ci_high = unname(attr(ci, "ci")[2]), xlogit_ci_low = unname(attr(xci, "ci")[1]),
        xlogit_ci_high = unname(attr(xci, "ci")[2]), df = degf(sub), n = sum(keep))
  }
}

# Rao-Scott second-order corrected chi-square (F).
chisq_block <- function(design, label) {
  r <- svychisq(~gender + wlb_fit, design, statistic = "F")
  put(label, "gender:wlb_fit", "all", statistic = unname(r$statistic),
      df1 = unname(r$parameter[1]), df2 = unname(r$parameter[2]), p_value = r$p.value)
  r <- svychisq(~work_time + wlb_fit, subset(design, gender %in% c("F", "M")), statistic = "F")
  put(label, "work_time:wlb_fit", "F+M", statistic = unname(r$statistic),
      df1 = unname(r$parameter[1]), df2 = unname(r$parameter[2]), p_value = r$p.value)
  # weighted Cramer's V of the same table (proportions among complete pairs)
  tab <- svytable(~gender + wlb_fit, design)
  p <- tab / sum(tab)
  e <- outer(rowSums(p), colSums(p))
  put(label, "gender:wlb_fit", "all", cramers_v = sqrt(sum((p - e)^2 / e) / (min(dim(p)) - 1)))
}
chisq_block(des, "raoscott_strat")
chisq_block(cdes, "raoscott_cluster")

# Design-based difference of domain means between companies with / without a measure.
ttest_block <- function(design, label) {
  r <- svyttest(wfc_score ~ flex_hours_active, design)
  keep <- !is.na(d$wfc_score)
  put(label, "wfc_score~flex_hours_active", "all", estimate = unname(r$estimate),
      se = unname(r$estimate / r$statistic), statistic = unname(r$statistic),
      df = unname(r$parameter), p_value = r$p.value,
      ci_low = r$conf.int[1], ci_high = r$conf.int[2], n = sum(keep))
  keep <- !is.na(d$wfc_score) & d$gender == "F"
  r <- svyttest(wfc_score ~ flex_hours_active, design[keep, ])
  put(label, "wfc_score~flex_hours_active", "F", estimate = unname(r$estimate),
      se = unname(r$estimate / r$statistic), statistic = unname(r$statistic),
      df = unname(r$parameter), p_value = r$p.value,
      ci_low = r$conf.int[1], ci_high = r$conf.int[2], n = sum(keep))
}
ttest_block(des, "svyttest_strat")
ttest_block(cdes, "svyttest_cluster")

# OLS with cluster-robust (CR1, as Stata and statsmodels) SEs by company, adjusted for
# gender, children and work time; t with G - 1 degrees of freedom.
cc <- d[complete.cases(d[, c("wfc_score", "flex_hours_active", "gender", "n_children_u14", "work_time")]), ]
for (wt in c("unweighted", "weighted")) {
  fit <- if (wt == "weighted") {
    lm(wfc_score ~ flex_hours_active + gender + n_children_u14 + work_time, data = cc, weights = w)
  } else {
    lm(wfc_score ~ flex_hours_active + gender + n_children_u14 + work_time, data = cc)
  }
  V <- vcovCL(fit, cluster = ~company_id, type = "HC1")
  G <- length(unique(cc$company_id))
  est <- coef(fit); se <- sqrt(diag(V)); tt <- est / se
  q <- qt(0.975, G - 1)
  for (term in names(est)) {
    put(paste0("ols_cluster_", wt), term, "all", estimate = unname(est[term]),
        se = unname(se[term]), statistic = unname(tt[term]), df = G - 1,
        p_value = 2 * pt(-abs(unname(tt[term])), G - 1),
        ci_low = unname(est[term] - q * se[term]), ci_high = unname(est[term] + q * se[term]),
        n = nrow(cc), n_clusters = G)
  }
  # survey's svyglm with companies as clusters gives the same estimates; its SE lacks the
  # (n-1)/(n-K) factor (STACK_NOTES.md): recorded to test that relation.
  cd <- if (wt == "weighted") svydesign(ids = ~company_id, weights = ~w, data = cc) else
    svydesign(ids = ~company_id, probs = ~1, data = cc)
  sg <- svyglm(wfc_score ~ flex_hours_active + gender + n_children_u14 + work_time, cd)
  put(paste0("svyglm_cluster_", wt), "flex_hours_active", "all",
      estimate = unname(coef(sg)["flex_hours_active"]), se = unname(SE(sg)["flex_hours_active"]),
      n = nrow(cc), k = length(coef(sg)))
}

# ---- unweighted comparisons: women vs men ----
x <- d$wfc_score[d$gender == "F" & !is.na(d$wfc_score)]
y <- d$wfc_score[d$gender == "M" & !is.na(d$wfc_score)]
r <- t.test(x, y)
put("welch", "wfc_score", "F-M", estimate = unname(r$estimate[1] - r$estimate[2]),
    se = unname(r$stderr), statistic = unname(r$statistic), df = unname(r$parameter),
    p_value = r$p.value, ci_low = r$conf.int[1], ci_high = r$conf.int[2],
    n1 = length(x), n2 = length(y))
# Cohen's d (pooled SD) with the exact noncentral-t CI, solved to 1e-12 with uniroot
# (effectsize's optim() stops at about 1e-6); Hedges' g = J * d with the exact J.
n1 <- length(x); n2 <- length(y); df <- n1 + n2 - 2
sp <- sqrt(((n1 - 1) * var(x) + (n2 - 1) * var(y)) / df)
dd <- (mean(x) - mean(y)) / sp
tobs <- dd / sqrt(1 / n1 + 1 / n2)
ncp_for <- function(p) uniroot(function(ncp) pt(tobs, df, ncp) - p, c(tobs - 5, tobs + 5), tol = 1e-14)$root
J <- exp(lgamma(df / 2) - log(sqrt(df / 2)) - lgamma((df - 1) / 2))
d_lo <- ncp_for(0.975) * sqrt(1 / n1 + 1 / n2); d_hi <- ncp_for(0.025) * sqrt(1 / n1 + 1 / n2)
put("cohen_d", "wfc_score", "F-M", estimate = dd, ci_low = d_lo, ci_high = d_hi)
put("hedges_g", "wfc_score", "F-M", estimate = dd * J, ci_low = d_lo * J, ci_high = d_hi * J)
es <- cohens_d(x, y); put("effectsize_cohens_d", "wfc_score", "F-M", estimate = es$Cohens_d, ci_low = es$CI_low, ci_high = es$CI_high)
es <- hedges_g(x, y); put("effectsize_hedges_g", "wfc_score", "F-M", estimate = es$Hedges_g, ci_low = es$CI_low, ci_high = es$CI_high)

x <- d$wlb_fit[d$gender == "F" & !is.na(d$wlb_fit)]
y <- d$wlb_fit[d$gender == "M" & !is.na(d$wlb_fit)]
r <- wilcox.test(x, y, exact = FALSE, correct = TRUE)
rb <- rank_biserial(x, y)
put("mannwhitney", "wlb_fit", "F-M", statistic = unname(r$statistic), p_value = r$p.value,
    estimate = rb$r_rank_biserial, ci_low = rb$CI_low, ci_high = rb$CI_high,
    rb_by_hand = mean(sign(outer(x, y, "-"))), n1 = length(x), n2 = length(y))

k <- !is.na(d$wlb_fit)
r <- kruskal.test(d$wlb_fit[k], factor(d$age_band[k]))
e2 <- rank_epsilon_squared(d$wlb_fit[k], factor(d$age_band[k]), ci = NULL)
put("kruskal", "wlb_fit", "age_band", statistic = unname(r$statistic), df = unname(r$parameter),
    p_value = r$p.value, estimate = e2$rank_epsilon_squared, n = sum(k))

# ---- contingency tables (unweighted) ----
k <- d$gender %in% c("F", "M")
tab <- table(d$gender[k], d$work_time[k])
r <- chisq.test(tab, correct = FALSE)
put("chisq", "gender:work_time", "F+M", statistic = unname(r$statistic), df = unname(r$parameter),
    p_value = r$p.value, cramers_v = sqrt(unname(r$statistic) / (sum(tab) * (min(dim(tab)) - 1))),
    n = sum(tab))
k <- !is.na(d$wlb_fit)
tab <- table(d$age_band[k], d$wlb_fit[k])
r <- suppressWarnings(chisq.test(tab, correct = FALSE))
put("chisq", "age_band:wlb_fit", "all", statistic = unname(r$statistic), df = unname(r$parameter),
    p_value = r$p.value, cramers_v = sqrt(unname(r$statistic) / (sum(tab) * (min(dim(tab)) - 1))),
    n = sum(tab))
# small tables -> Fisher's exact test (conditional MLE odds ratio for 2x2)
k <- d$company_id == "C07" & d$gender %in% c("F", "M")
tab <- table(d$gender[k], d$work_time[k])
r <- fisher.test(tab)
put("fisher", "C07 gender:work_time", "F+M", p_value = r$p.value, estimate = unname(r$estimate),
    ci_low = r$conf.int[1], ci_high = r$conf.int[2], n = sum(tab))
# fisher.test solves the conditional MLE and its interval with uniroot's default tolerance
# (about 1.2e-4); the same equations (noncentral hypergeometric, as in fisher.test's
# source) solved here to 1e-13 give the precise values.
m <- sum(tab[, 1]); nn <- sum(tab[, 2]); kk <- sum(tab[1, ]); x <- tab[1, 1]
lo <- max(0, kk - nn); hi <- min(kk, m); support <- lo:hi
logdc <- dhyper(support, m, nn, kk, log = TRUE)
dnhyper <- function(ncp) { d <- logdc + log(ncp) * support; d <- exp(d - max(d)); d / sum(d) }
mnhyper <- function(ncp) sum(support * dnhyper(ncp))
pnhyper <- function(q, ncp, upper) if (upper) sum(dnhyper(ncp)[support >= q]) else sum(dnhyper(ncp)[support <= q])
solve <- function(f) uniroot(function(lt) f(exp(lt)), c(-30, 30), tol = 1e-13)$root
put("fisher_precise", "C07 gender:work_time", "F+M",
    estimate = exp(solve(function(t) mnhyper(t) - x)),
    ci_low = exp(solve(function(t) pnhyper(x, t, TRUE) - 0.025)),
    ci_high = exp(solve(function(t) pnhyper(x, t, FALSE) - 0.025)))
k <- d$company_id == "C07" & !is.na(d$wlb_fit)
tab <- table(d$work_time[k], d$wlb_fit[k])
r <- fisher.test(tab)
put("fisher", "C07 work_time:wlb_fit", "all", p_value = r$p.value, n = sum(tab))

# ---- multiple testing ----
p <- c(0.010, 0.040, 0.030, 0.005, 0.040, 0.200, 0.049, 0.800, NA, 0.0001)
for (m in c("holm", "BH")) {
  adj <- p.adjust(p, method = m)
  for (i in seq_along(p)) put(paste0("p.adjust_", m), as.character(i), "all", p = p[i], p_adjusted = adj[i])
}

# ---- Cronbach's alpha with Feldt's CI (psych::alpha) ----
items <- d[, paste0("wfc_", 1:5)]
cc <- items[complete.cases(items), ]
a <- psych::alpha(cc)
put("alpha", "wfc listwise", "all", estimate = a$total$raw_alpha, ci_low = a$feldt$lower.ci,
    ci_high = a$feldt$upper.ci, n = nrow(cc))
a <- psych::alpha(items)
put("alpha", "wfc pairwise", "all", estimate = a$total$raw_alpha, ci_low = a$feldt$lower.ci,
    ci_high = a$feldt$upper.ci, n = nrow(items))

res <- do.call(rbind, out)
res$value <- ifelse(is.na(res$value), "", sprintf("%.17g", res$value))
write.csv(res, file.path(here, "r_reference.csv"), row.names = FALSE)
cat("wrote", nrow(res), "reference values\n")

# The fixture's survey designs, as reference.R builds them (the contract's default design,
# post-stratified, and the cluster sensitivity design): sourced by design_extras.R and
# regression.R, which need `here` (this folder). Defines d, co, cnt, pop, des0, des, cdes.
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

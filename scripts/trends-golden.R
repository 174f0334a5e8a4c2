#!/usr/bin/env Rscript
# Golden fixtures for POST /api/v1/metrics: reference Prophet (R package `prophet`, Debian
# r-cran-prophet, default settings) fitted per audio feature on ds = play time, forecasting
# `periods` steps of `freq_seconds` beyond the last play time. Writes inputs and the unclamped
# reference trend/yhat so the WASM engine can be compared against them.
#
#   Rscript scripts/trends-golden.R <path/to/trendy_metrics.json> <out.json>
#
# The synthetic histories come from a seeded generator (set.seed below); the fixture stores every
# generated input, so the tests never need R.
Sys.setenv(TZ = "UTC")
suppressPackageStartupMessages({
  library(prophet)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = TRUE)
sample_path <- if (length(args) >= 1) args[1] else "../shared/data/trendy_metrics.json"
out_path <- if (length(args) >= 2) args[2] else "test/fixtures/trends/golden.json"

metrics <- c("danceability", "energy", "loudness", "mode", "speechiness", "acousticness",
             "instrumentalness", "liveness", "valence", "tempo", "duration_ms")
unit_metrics <- c("danceability", "energy", "speechiness", "acousticness",
                  "instrumentalness", "liveness", "valence")

set.seed(20230810)
clamp <- function(x, lo, hi) pmin(pmax(x, lo), hi)

# One metric series of length n following a pattern.
gen_series <- function(metric, n, pattern) {
  lo <- 0; hi <- 1; centre <- runif(1, 0.2, 0.8); noise <- 0.08
  if (metric == "loudness") { lo <- -60; hi <- 0; centre <- runif(1, -14, -4); noise <- 1.5 }
  if (metric == "tempo") { lo <- 0; hi <- 220; centre <- runif(1, 80, 150); noise <- 12 }
  if (metric == "duration_ms") { lo <- 30000; hi <- 600000; centre <- runif(1, 150000, 260000); noise <- 30000 }
  if (metric == "mode") {
    p <- switch(pattern, constant = 1, zero = 0, runif(1, 0.3, 0.8))
    if (pattern %in% c("constant", "zero")) return(rep(p, n))
    return(as.numeric(runif(n) < p))
  }
  i <- seq_len(n) - 1
  x <- switch(pattern,
    noise = centre + rnorm(n, 0, noise),
    drift = centre + (i / max(1, n - 1) - 0.5) * runif(1, -4, 4) * noise + rnorm(n, 0, noise / 2),
    step = centre + ifelse(i >= n %/% 2, runif(1, -3, 3) * noise, 0) + rnorm(n, 0, noise / 3),
    walk = centre + cumsum(rnorm(n, 0, noise / 2)),
    runs = rep(centre + rnorm(ceiling(n / 4), 0, noise * 2), each = 4)[seq_len(n)],
    constant = rep(centre, n),
    zero = rep(if (metric %in% unit_metrics) 0 else lo, n),
    outlier = {
      v <- centre + rnorm(n, 0, noise / 2)
      k <- sample.int(n, max(1, n %/% 20))
      v[k] <- if (metric %in% unit_metrics) ifelse(centre > 0.5, 0, 1) else centre + 8 * noise
      v
    })
  x <- clamp(x, lo, hi)
  if (metric == "tempo" || metric == "loudness") x <- round(x, 3)
  if (metric == "duration_ms") x <- round(x)
  if (metric %in% unit_metrics) x <- signif(x, 3)
  x
}

# Play times (integer epoch seconds) with a spacing style.
gen_times <- function(n, spacing, durations) {
  start <- 1691682470 + sample.int(86400, 1)
  gaps <- switch(spacing,
    even = rep(60, n - 1),
    songs = pmax(20, round(durations[-n] / 1000 + runif(n - 1, 0, 15))),
    skips = round(ifelse(runif(n - 1) < 0.4, runif(n - 1, 5, 40), runif(n - 1, 150, 300))),
    sessions = round(ifelse(runif(n - 1) < 0.08, runif(n - 1, 3600, 8 * 3600), runif(n - 1, 150, 280))),
    days = round(ifelse(runif(n - 1) < 0.05, runif(n - 1, 6 * 3600, 14 * 3600), runif(n - 1, 600, 2400))),
    ties = round(ifelse(runif(n - 1) < 0.2, 0, runif(n - 1, 120, 260))))
  start + c(0, cumsum(gaps))
}

make_case <- function(name, n, spacing, patterns, periods = 10, freq_seconds = 60) {
  tracks <- list()
  series <- lapply(metrics, function(mt) gen_series(mt, n, if (!is.null(patterns[[mt]])) patterns[[mt]] else patterns$default))
  names(series) <- metrics
  ts <- gen_times(n, spacing, series$duration_ms)
  df <- data.frame(played_at = format(as.POSIXct(ts, origin = "1970-01-01", tz = "UTC"), "%Y-%m-%dT%H:%M:%SZ"),
                   stringsAsFactors = FALSE)
  for (mt in metrics) df[[mt]] <- series[[mt]]
  list(name = name, periods = periods, freq_seconds = freq_seconds, tracks = df)
}

cases <- list()
sample_tracks <- fromJSON(sample_path)
# The sample request stays in ../shared/data: the fixture names it instead of copying it.
cases[[1]] <- list(name = "sample trendy_metrics.json", source = "trendy_metrics.json",
                   periods = 10, freq_seconds = 60, tracks = sample_tracks[, c("played_at", metrics)])
specs <- list(
  list("5 even drift", 5, "even", list(default = "drift")),
  list("5 songs noise", 5, "songs", list(default = "noise"), 10, 60),
  list("6 skips step", 6, "skips", list(default = "step", instrumentalness = "zero")),
  list("7 songs runs", 7, "songs", list(default = "runs", mode = "constant")),
  list("8 even outlier", 8, "even", list(default = "outlier"), 5, 30),
  list("10 songs walk", 10, "songs", list(default = "walk", speechiness = "constant")),
  list("12 ties noise", 12, "ties", list(default = "noise")),
  list("15 sessions drift", 15, "sessions", list(default = "drift", instrumentalness = "zero", mode = "zero"), 3, 3600),
  list("20 songs step", 20, "songs", list(default = "step")),
  list("25 skips runs", 25, "skips", list(default = "runs")),
  list("30 songs outlier", 30, "songs", list(default = "outlier", liveness = "constant")),
  list("40 even walk", 40, "even", list(default = "walk"), 20, 60),
  list("50 sessions noise", 50, "sessions", list(default = "noise")),
  list("60 songs drift", 60, "songs", list(default = "drift", acousticness = "zero")),
  list("75 skips outlier", 75, "skips", list(default = "outlier")),
  list("90 songs runs", 90, "songs", list(default = "runs"), 1, 60),
  list("99 sessions step", 99, "sessions", list(default = "step")),
  list("100 songs walk", 100, "songs", list(default = "walk")),
  list("120 ties drift", 120, "ties", list(default = "drift", instrumentalness = "zero")),
  list("150 days noise", 150, "days", list(default = "noise"), 10, 600),
  list("200 sessions outlier", 200, "sessions", list(default = "outlier")),
  list("200 days walk", 200, "days", list(default = "walk"))
)
for (s in specs) {
  cases[[length(cases) + 1]] <- do.call(make_case, c(s[1:4], s[-(1:4)]))
}

fit_metric <- function(ds, y, future_ds) {
  m <- prophet(data.frame(ds = ds, y = y))
  fc <- predict(m, data.frame(ds = future_ds))
  list(trend = fc$trend, yhat = fc$yhat,
       seasonalities = names(m$seasonalities),
       n_changepoints = length(m$changepoints),
       params = list(k = as.numeric(m$params$k), m = as.numeric(m$params$m),
                     delta = as.numeric(m$params$delta),
                     sigma_obs = as.numeric(m$params$sigma_obs)))
}

out <- lapply(cases, function(cs) {
  ds <- as.POSIXct(cs$tracks$played_at, format = "%Y-%m-%dT%H:%M:%OSZ", tz = "UTC")
  last <- max(ds)
  future_ds <- last + seq_len(cs$periods) * cs$freq_seconds
  reference <- list()
  for (mt in metrics) {
    reference[[mt]] <- suppressMessages(fit_metric(ds, cs$tracks[[mt]], future_ds))
  }
  message(sprintf("%-28s n=%3d seasonalities=%s", cs$name, nrow(cs$tracks),
                  paste(reference$danceability$seasonalities, collapse = ",")))
  entry <- list(name = cs$name, periods = cs$periods, freq_seconds = cs$freq_seconds,
                future_ds = format(future_ds, "%Y-%m-%dT%H:%M:%OS3Z"), reference = reference)
  # Inputs column by column (compact); the sample request is read from ../shared/data instead.
  if (is.null(cs$source)) entry$tracks <- as.list(cs$tracks) else entry$source <- cs$source
  entry
})

meta <- list(generator = "scripts/trends-golden.R", seed = 20230810,
             r_version = R.version.string,
             prophet_version = as.character(packageVersion("prophet")),
             rstan_version = as.character(packageVersion("rstan")),
             settings = "prophet() defaults; forecast at last_play + (1..periods) * freq_seconds")
writeLines(toJSON(list(meta = meta, cases = out), auto_unbox = TRUE, digits = NA, pretty = FALSE,
                  null = "null"), out_path)
message("wrote ", out_path)

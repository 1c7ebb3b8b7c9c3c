"""Many clips at once: jobs from folders or a manifest, content-keyed and resumable, run on a
local process pool or a Ray cluster, recorded in the store and summarised."""

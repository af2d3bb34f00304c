/*
 * commands.c - the table of haven subcommands.  'haven help' prints from it.
 * Grouped by what users do, in the order of the pipeline: the store and its
 * reference data, the register, governance, disclosure, the audit log, oversight.
 */
#include "cli.h"
#include "commands.h"

const cli_cmd cli_commands[] = {
	{"init", "STORE --owner-kind KIND --owner-code CODE [--owner-name NAME] [--owner-area PFA[,PFA...]] "
	 "[--admin NAME]",
	 "create a new store (SpatiaLite, EPSG:27700, OFFICIAL-SENSITIVE, file mode 0600)",
	 "  --owner-kind KIND   police, la, occ, dfe, probation or hmci\n"
	 "  --owner-code CODE   the owning authority's code (ONS GSS code for police and LAs)\n"
	 "  --owner-name NAME   its name (defaults to the code)\n"
	 "  --owner-area PFA    police force area codes a probation owner works in (required for\n"
	 "                      probation; repeat or separate with commas; a police owner's own code\n"
	 "                      is its area unless given)\n"
	 "  --admin NAME        the store's first user, an admin of the owner (default: $HAVEN_USER,\n"
	 "                      else your login name)\n",
	 cmd_init, CLI_WRITES},
	{"info", "STORE [--csv|--json]", "summarise what a store holds: its owner, then each module's counts",
	 "One row per fact: section (store, boundaries, gazetteer, register, geocoding, audit,\n"
	 "governance, disclosure, oversight), item and value.  Home counts are disclosed data: run it\n"
	 "as a user; it is recorded in the audit log and marked OFFICIAL-SENSITIVE.\n"
	 "  --csv, --json  output format (default: aligned text)\n",
	 cmd_info, CLI_ACTS},
	{"boundaries load", "STORE --kind la|district|pfa|region FILE [--code-field F] [--name-field F] [--source-crs CRS] [--force]",
	 "replace one kind of ONS area boundaries from any vector file (GeoJSON, GPKG, SHP, .zip, .gz)",
	 "  --kind KIND         la (counties and unitaries), district, pfa (police force areas) or region\n"
	 "  --code-field F      field holding the area code (default: AREACD, or like LAD24CD)\n"
	 "  --name-field F      field holding the area name (default: AREANM, or like LAD24NM)\n"
	 "  --source-crs CRS    CRS of the coordinates when the file's own is missing or wrong,\n"
	 "                      e.g. EPSG:27700 (GeoJSON without a crs member is read as OGC:CRS84)\n"
	 "FILE is read through GDAL; x.zip is opened as /vsizip/x.zip and x.gz as /vsigzip/x.gz.\n"
	 "  --force             replace the kind's areas even with fewer than half as many\n"
	 "Invalid geometry is repaired (each repair is reported); the load is all or nothing.\n",
	 cmd_boundaries_load, CLI_ACTS | CLI_WRITES | CLI_ADMIN},
	/* LA centres (issue 11) */
	{"boundaries centres", "STORE FILE [--code-field F] [--x-field F --y-field F] [--source-crs CRS] [--force]",
	 "replace the LAs' population-weighted centres (ONS centroids: CSV, or a point layer)",
	 "  --code-field F      column holding the LA code (default: like CTYUA24CD, LAD24CD, AREACD)\n"
	 "  --x-field F         with --y-field: the point's columns (default: x and y, easting and\n"
	 "                      northing, else lon and lat)\n"
	 "  --source-crs CRS    CRS of the points (default: EPSG:27700 for x/y, OGC:CRS84 for lon/lat,\n"
	 "                      a layer's own CRS)\n"
	 "  --force             replace the centres held even with fewer than half as many\n"
	 "FILE is a CSV (.csv, .csv.gz), or any vector file GDAL reads whose first layer is points.\n"
	 "Each centre must be of an LA of the loaded boundaries, once, and lie in its polygon or\n"
	 "within 1 km of it.  All or nothing; the centres held again change nothing.  A placement\n"
	 "with no origin district starts from its LA's centre.  docs/placements.md (\"Origins\")\n",
	 cmd_boundaries_centres, CLI_ACTS | CLI_WRITES | CLI_ADMIN},
	{"gazetteer load", "STORE FILE [--uprn] [--postcode-field F] [--east-field F --north-field F] "
	 "[--lat-field F --lon-field F] [--force]",
	 "replace the postcode or UPRN gazetteer (ONSPD, NSPL, OS Open UPRN; CSV or .csv.gz)",
	 "  --uprn                 the file is OS Open UPRN style (UPRN, X_COORDINATE, Y_COORDINATE);\n"
	 "                         automatic when there is a UPRN column\n"
	 "  --postcode-field F     the postcode column (default: pcd, pcds, pcd2 or postcode)\n"
	 "  --east-field F         BNG easting column, with --north-field (default: oseast1m, easting, x)\n"
	 "  --north-field F        BNG northing column (default: osnrth1m, northing, y)\n"
	 "  --lat-field F          WGS84 latitude column, with --lon-field (default: lat, latitude)\n"
	 "  --lon-field F          WGS84 longitude column (default: long, lon, longitude)\n"
	 "  --force                replace the gazetteer even with fewer than half the rows held\n"
	 "Grid references are preferred to latitude/longitude when a file has both.  Local authority\n"
	 "(oscty or cty, else oslaua, laua or LADyyCD), police force area (pfa) and termination date\n"
	 "(doterm) are read when present.  Rows without a grid reference are kept and counted.\n"
	 "See docs/gazetteer.md.\n",
	 cmd_gazetteer_load, CLI_ACTS | CLI_WRITES | CLI_ADMIN},
	{"stats import", "STORE FILE [--dataset NAME] [--filter-column COLUMN]... [--force]",
	 "replace a dataset of reference statistics from a DfE tidy CSV (Explore education statistics)",
	 "  --dataset NAME          the dataset's name (default: FILE's name without .csv and .gz)\n"
	 "  --filter-column COLUMN  read COLUMN as a filter although it holds numbers (repeat, or\n"
	 "                          separate with commas)\n"
	 "  --force                 replace the dataset even with fewer than half its figures\n"
	 "Columns: time_period, geographic_level (National, Regional, Local authority), country_code,\n"
	 "region_code, new_la_code or old_la_code (DfE's LA number) and their names, then filters and\n"
	 "indicators.  A column of numbers is an indicator; figures are kept as published, GSS symbols\n"
	 "(c, k, low, u, x, z) as symbols.  One bad row leaves the store as it was.  docs/stats.md\n",
	 cmd_stats_import, CLI_ACTS | CLI_WRITES | CLI_ADMIN},
	{"stats list", "STORE [--csv|--json]",
	 "list the reference statistics held: datasets, indicators, filters, time periods, counts",
	 "  --csv, --json  output format (default: aligned text)\n", cmd_stats_list, 0},
	{"stats value", "STORE --dataset NAME --indicator NAME --period PERIOD --area CODE [--filter COLUMN=VALUE]...",
	 "print one figure of reference statistics: a number, or its GSS symbol",
	 "  --dataset NAME          as 'haven stats list' shows it\n"
	 "  --indicator NAME        an indicator column of the dataset\n"
	 "  --period PERIOD         a time period as the file gives it (2025, 202425)\n"
	 "  --area CODE             an LA's, region's or England's GSS code\n"
	 "  --filter COLUMN=VALUE   one for each filter column of the dataset\n"
	 "An area the dataset has no figure for in that period is 'x' (not available).  docs/stats.md\n",
	 cmd_stats_value, 0},
	{"where", "STORE --point E,N | --lonlat LON,LAT | --postcode PC [--csv | --json]\n"
	 "       haven where STORE --points FILE --x COL --y COL --kind la|district|pfa|region --out FILE "
	 "[--id COL] [--crs EPSG:N] [--near METRES] [--force]",
	 "which loaded areas (la, district, pfa, region) a point is in",
	 "  --point E,N         British National Grid easting and northing, metres\n"
	 "  --lonlat LON,LAT    WGS84 longitude and latitude, degrees\n"
	 "  --postcode PC       the centroid of a postcode in the store's gazetteer\n"
	 "  --csv, --json       output format (default: aligned text)\n"
	 "match is 'inside', 'nearest (D m)' within 1000 m of an area (generalised coastlines),\n"
	 "or 'none'.\n"
	 "Many points at once (the analyst's own file; no acting user, nothing recorded):\n"
	 "  --points FILE       CSV, .csv.gz, GeoPackage or GeoJSON, read as a table\n"
	 "  --x COL, --y COL    the columns of the coordinates\n"
	 "  --id COL            the column identifying each point (default: id)\n"
	 "  --kind KIND         la, district, pfa or region\n"
	 "  --crs CRS           the coordinates' CRS (default EPSG:27700; EPSG:4326 for lon/lat)\n"
	 "  --near METRES       a point in no area gets the nearest within this distance (default 50)\n"
	 "  --out FILE          writes id,code for every point, in the file's order; code empty when\n"
	 "                      in none (a new file, mode 0600)\n"
	 "  --force             replace an existing --out\n"
	 "Every row is checked before anything is written.  docs/cli.md\n",
	 cmd_where, 0},
	{"synth", "STORE --from-ofsted FILE --seed N --out DIR [--missing-from-dfe FILE] [--placements-from-dfe FILE] "
	 "[--force]",
	 "write a synthetic register disclosure from Ofsted's published provider list",
	 "  --from-ofsted FILE  Ofsted's provider-level CSV (children's homes' addresses are REDACTED)\n"
	 "  --seed N            random seed (default 1): the same seed gives the same files\n"
	 "  --out DIR           writes DIR/register.csv (a new file, mode 0600)\n"
	 "  --missing-from-dfe FILE  also DIR/police_episodes.csv and DIR/la_episodes.csv: children\n"
	 "                    missing from the homes, calibrated to DfE's missing-or-away figures by LA\n"
	 "  --missing-years Y[-Y]  years ending March to generate (default 2019-2023)\n"
	 "  --missing-share X   children's homes' share of DfE's figures (default 0.35)\n"
	 "  --placements-from-dfe FILE  also DIR/placements.csv: placements at the homes, calibrated\n"
	 "                    to DfE's new placements by location and distance per placing LA\n"
	 "  --placements-netgain FILE  DfE's placed inside/outside and net gain by LA: host LAs of\n"
	 "                    out-of-area placements fitted to it (default: by places)\n"
	 "  --placements-share X  children's homes' share of DfE's new placements (default 0.125)\n"
	 "  --force             replace existing files\n"
	 "Needs the store's LA boundaries and postcode gazetteer.  Real fields are kept; name,\n"
	 "address, postcode and telephone are invented and marked synthetic.  docs/synth.md\n",
	 cmd_synth, 0},
	{"register import", "STORE FILE --received YYYY-MM-DD [--unsigned]",
	 "import a monthly HMCI register disclosure (CSV, XLSX or ODS) as a snapshot",
	 "  --received DATE   the date the disclosure was received (required; not before the newest\n"
	 "                    snapshot, not in the future)\n"
	 "  --unsigned        admin only: admit a file without its FILE.manifest although the store\n"
	 "                    holds HMCI's key (recorded in the audit log)\n"
	 "The whole file is checked before anything is written; one bad row leaves the store as it was.\n"
	 "Importing the same file again does nothing.  A signed extract must be newer than every one\n"
	 "already imported; a file with no home in scope, or one that would close every current home,\n"
	 "is refused.  Format: docs/formats.md; model: docs/register.md; manifests: docs/disclosure.md.\n",
	 cmd_register_import, CLI_ACTS | CLI_WRITES},
	{"register changes", "STORE [--since DATE] [--area CODE] [--csv|--json]",
	 "list what changed in the register, snapshot by snapshot",
	 "  --since DATE   only snapshots received on or after DATE\n"
	 "  --area CODE    only homes whose LA, or geocoded district, police force area or region, is CODE\n"
	 "  --csv, --json  output format (default: aligned text)\n"
	 "Kinds: new, closed, deregistered, reopened, name, address, places, status, details, enforcement.\n",
	 cmd_register_changes, CLI_ACTS},
	{"register summary", "STORE --by la|pfa|region [--as-at DATE] [--csv|--json]",
	 "count homes and places by area, registration status and sector",
	 "  --by la|pfa|region  la: the register's local authority; pfa, region: the geocoded area\n"
	 "                      (homes not geocoded are counted in an 'unlocated' row)\n"
	 "  --as-at DATE        the versions valid on DATE (default: the newest snapshot's date)\n"
	 "  --csv, --json       output format (default: aligned text)\n",
	 cmd_register_summary, CLI_ACTS},
	{"key init", "KEYFILE", "make the key that pseudonymises child identifiers (secret file, mode 0600)",
	 "Writes 32 random bytes to KEYFILE, which must not exist, and prints the key's fingerprint\n"
	 "(what a store records).  Keep the key outside the store, backed up: without it no later\n"
	 "import can give the same child the same pseudonym.  docs/missing.md\n",
	 cmd_key_init, 0},
	{"missing import", "STORE FILE --source police|la --key KEYFILE [--skip-invalid --rejects FILE] [--tolerance HOURS]",
	 "import a police or LA file of children missing from care (CSV, .csv.gz, XLSX)",
	 "  --source S          police or la: whose reports the file holds\n"
	 "  --key KEYFILE       the pseudonymisation key ('haven key init'); the store refuses a key\n"
	 "                      whose fingerprint is not the one its first import recorded\n"
	 "  --skip-invalid      import the valid rows; write the others to --rejects FILE (a new file,\n"
	 "                      mode 0600, marked; the child identifier replaced by its pseudonym)\n"
	 "  --tolerance HOURS   police and LA reports of one child at one home starting at most this\n"
	 "                      far apart are one episode (default 24)\n"
	 "Child identifiers become HMAC-SHA-256 pseudonyms before anything is stored.  A report seen\n"
	 "before is unchanged, or, corrected, supersedes the old version (kept as history).  Every\n"
	 "import rebuilds the episodes.  All or nothing without --skip-invalid.  Columns:\n"
	 "docs/formats.md (\"Missing episode file\"); model: docs/missing.md.\n",
	 cmd_missing_import, CLI_ACTS | CLI_WRITES},
	{"missing linkage",
	 "STORE [--by month|quarter|year|fy] [--area la|host-la|pfa|region|england] [--from DATE]\n"
	 "             [--to DATE] [--format text|csv|json]",
	 "count episodes known to the police only, the LA only, or both, by area and period",
	 "  --by P              month (default), quarter or year (calendar), or fy (financial year,\n"
	 "                      April to March)\n"
	 "  --area A            la: the placing local authority (default); host-la, pfa, region:\n"
	 "                      where the home is; england: one row per period\n"
	 "  --from, --to DATE   episodes starting in these days (default: every episode held)\n"
	 "  --format F          text (default), csv or json (also --csv, --json)\n"
	 "Columns: period, period_start, geographic_level, area_code, area_name, episodes,\n"
	 "police_only, la_only, both, conflicts (both, where the two records disagree).  The periods,\n"
	 "areas and scope of 'missing trends'.  Counts only, released through the gate: DfE and the\n"
	 "Children's Commissioner see them under disclosure control.  docs/missing.md\n",
	 cmd_missing_linkage, CLI_ACTS},
	{"export",
	 "STORE --geography G [--measures LIST] --format F --out FILE|PG:CONNINFO [--as-at DATE]\n"
	 "             [--from DATE --to DATE] [--layer NAME] [--crs CRS] [--level L] [--threshold N]\n"
	 "             [--k-homes N] [--top N] [--force]  |  --list-measures [--csv|--json]",
	 "export an aggregate of homes, places and rates by area (GeoJSON, GPKG, FGB, CSV, PostGIS)",
	 "  --geography G       la (with regions and England), district, pfa, region, england, or\n"
	 "                      grid:METRES (cells of fewer than k homes merge upward, side doubled)\n"
	 "  --measures LIST     measure names, comma-separated (default: homes,places); a rate needs\n"
	 "                      its numerator beside it (places_per_100_cla with places)\n"
	 "  --format F          geojson (RFC 7946, CRS84), gpkg, fgb, csv (GSS symbols in cells), postgis\n"
	 "  --out FILE          a new file (mode 0600, written whole); postgis: PG:CONNINFO\n"
	 "  --as-at DATE        the homes valid on DATE (default: the newest snapshot's date)\n"
	 "  --from, --to DATE   the period of enforcement, registrations, closures (default: 12 months\n"
	 "                      to the as-at date)\n"
	 "  --layer NAME        the layer or table name (default: haven_export)\n"
	 "  --crs CRS           gpkg, fgb, postgis: output CRS (default EPSG:27700)\n"
	 "  --level L           only the rows of one level (la, region, england, grid, ...)\n"
	 "  --threshold N       suppress counts of children from 1 to N (never below the default, 5)\n"
	 "  --k-homes N         district and grid cells hold at least N homes (never below 10)\n"
	 "  --force             replace an existing file or table\n"
	 "  --list-measures     print the registry of measures (name, unit, class, computed)\n"
	 "  --measures flows    placements between LAs as lines, both margins (--geography la; --as-at:\n"
	 "                      open on the day, --from/--to: starting in the period, neither: all)\n"
	 "  --top N             flows: the N largest published after control, the rest as 'other'\n"
	 "  --measures placements_locations | placements_capacity  the tables of 'haven placements\n"
	 "                      locations --by la' and 'capacity' with the LAs' polygons\n"
	 "Released through the gate: your scope, disclosure control, an audit entry, the marking.\n"
	 "Aggregates: docs/measures.md; formats and metadata: docs/export.md.\n",
	 cmd_export, CLI_ACTS},
	{"map",
	 "STORE --measure M --geography G --out FILE.png|svg|pdf|html [--as-at DATE] [--from DATE\n"
	 "             --to DATE] [--level L] [--classes quantile|jenks] [--nclasses N] [--title T]\n"
	 "             [--threshold N] [--k-homes N] [--top N] [--force]",
	 "draw a map of one measure by area: PNG, SVG, PDF, or an offline HTML page",
	 "  --measure M         a rate is a choropleth, a count proportional circles\n"
	 "  --geography G       as for export\n"
	 "  --out FILE          .png, .svg, .pdf (Cairo, British National Grid), or .html (one\n"
	 "                      self-contained page with Leaflet inlined: no tiles, no network)\n"
	 "  --level L           the level drawn (default: the geography's own)\n"
	 "  --classes K         quantile (default) or jenks;  --nclasses N  2 to 9 (default 5)\n"
	 "  --title T           the map's title (default: from the measure and the date)\n"
	 "  --as-at, --from, --to, --threshold, --k-homes, --force  as for export\n"
	 "  --measure flows     the flow map: the largest published flows of placements between LAs\n"
	 "                      as curved arcs, width by placements, arrowheads at the host\n"
	 "  --top N             flows: how many are drawn (default 50)\n"
	 "Released through the gate like an export: suppressed areas are hatched, suppressed flows\n"
	 "never drawn.  docs/maps.md, docs/placements.md\n",
	 cmd_map, CLI_ACTS},
	{"missing trends",
	 "STORE --by month|quarter|year|fy --area la|host-la|pfa|region|home|england [--from DATE]\n"
	 "             [--to DATE] [--format text|csv|json] [--chart FILE.png|svg [--measure M]] [--force]",
	 "trends of children missing from care by area and period",
	 "  --by P              month, quarter or year (calendar), or fy (financial year, April to\n"
	 "                      March, as DfE's statistics run)\n"
	 "  --area A            la: the placing local authority; host-la, pfa, region: where the home\n"
	 "                      is; home: per URN (record level); england: one row per period\n"
	 "  --from, --to DATE   episodes starting in these days (default: every episode held)\n"
	 "  --format F          text (default), csv or json (or --csv, --json)\n"
	 "  --chart FILE        also draw a line chart per area (.png or .svg) of --measure (default\n"
	 "                      episodes; any number column); --force replaces an existing file\n"
	 "Released through the gate: episodes in your scope, counts under disclosure control for\n"
	 "aggregates-only audiences.  docs/missing.md (\"Trends\")\n",
	 cmd_missing_trends, CLI_ACTS},
	{"missing outliers",
	 "STORE [--from DATE] [--to DATE] [--inspection] [--all] [--funnel FILE.png|svg] [--force]\n"
	 "             [--format text|csv|json]",
	 "homes whose rate of missing episodes per place is above the 99.8% Poisson limit",
	 "  --from, --to DATE   the period (default: every episode held)\n"
	 "  --inspection        only homes judged Good or Outstanding at their latest full inspection\n"
	 "  --all               every home with places in the period, flagged by the limit it exceeds\n"
	 "  --funnel FILE       draw the funnel plot (.png or .svg); --force replaces an existing file\n"
	 "Lists homes: refused to aggregates-only audiences (DfE), whose funnel has no points.\n"
	 "docs/missing.md (\"Outliers\")\n",
	 cmd_missing_outliers, CLI_ACTS},
	{"missing scorecard",
	 "STORE [--from DATE] [--to DATE] [--by placing|host] [--chart FILE.png|svg [--measure M]]\n"
	 "             [--force] [--format text|csv|json]",
	 "the local-authority scorecard of children missing from care, against England",
	 "  --by B              placing (default): the LA that placed the child; host: the LA of the home\n"
	 "  --from, --to DATE   the period (default: every episode held)\n"
	 "  --chart FILE        a ranked bar chart (.png or .svg) of --measure (default ri_held_pct)\n"
	 "Per LA: episodes, children, repeat share, risk mix, return interviews offered, held and\n"
	 "independent, median hours missing, each beside its difference from England.\n"
	 "docs/missing.md (\"Scorecard\")\n",
	 cmd_missing_scorecard, CLI_ACTS},
	{"cluster", "--points FILE --x COL --y COL [--id COL] [--t COL --days D] --eps METRES --min-points N "
	 "[--crs EPSG:N] --out FILE [--force]",
	 "DBSCAN (or ST-DBSCAN with --t and --days) of the points of any file: id,label,kind",
	 "  --points FILE     CSV, .csv.gz, or a file GDAL reads (GeoPackage, GeoJSON): its first layer\n"
	 "  --x COL, --y COL  the coordinate columns (easting and northing in EPSG:27700 by default)\n"
	 "  --id COL          the id column written out (default: id)\n"
	 "  --t COL           a time column (YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS] or days): ST-DBSCAN\n"
	 "  --days D          with --t: neighbours are within eps metres and D days\n"
	 "  --eps METRES      the neighbourhood's radius (a neighbour is at most eps away)\n"
	 "  --min-points N    neighbours, the point itself included, that make a point core\n"
	 "  --crs CRS         the coordinates' CRS (default EPSG:27700); others are reprojected with PROJ\n"
	 "  --out FILE        the CSV written: id, label (the cluster from 0; -1 for noise), kind\n"
	 "                    (core, border, noise), one row per point in the file's order\n"
	 "  --force           replace FILE\n"
	 "Exact: the same core points, noise and clusters as the definition.  A border point joins the\n"
	 "cluster of its nearest core point (ties: the lower number); clusters are numbered by their\n"
	 "least core point (x, then y), whatever the order of the file.  Needs no store: the analyst's\n"
	 "own file, not disclosed data, so it is not audited.  docs/clusters.md\n",
	 cmd_cluster, 0},
	{"missing clusters", "STORE --of found|last-seen --eps METRES --min-points N [--days D] [--from DATE --to DATE] "
	 "[--table clusters|points|areas] [--format text|csv|json] [--layer FILE.geojson|gpkg] [--force]",
	 "DBSCAN (ST-DBSCAN with --days) of where missing children were found or last seen",
	 "  --of found|last-seen  which point of each episode\n"
	 "  --eps METRES      the neighbourhood's radius\n"
	 "  --min-points N    episodes, itself included, within eps that make an episode core\n"
	 "  --days D          ST-DBSCAN: neighbours are also within D days of each other's start\n"
	 "  --from, --to      episodes starting in this period (default: all)\n"
	 "  --table T         clusters (default): episodes, children, homes, first and last day, hull;\n"
	 "                    points: each episode's cluster and kind (core, border, noise);\n"
	 "                    areas: clusters, episodes and children by local authority\n"
	 "  --layer FILE      also write the table's hulls or points as a GeoJSON or GeoPackage layer\n"
	 "Episodes in your scope; released through the gate: police get hulls and points of their force\n"
	 "area, other authorities no hull around fewer than 5 children, DfE and the Children's\n"
	 "Commissioner the areas table only.  Audited.  docs/clusters.md\n",
	 cmd_missing_clusters, CLI_ACTS},
	/* the space-time permutation scan: docs/scan.md */
	{"missing scan",
	 "STORE --max-radius METRES --max-days D [--of found|last-seen] [--cell METRES] [--from DATE]\n"
	 "             [--to DATE] [--prospective] [--replicates R] [--seed N] [--min-cases N]\n"
	 "             [--clusters N] [--csv|--json]",
	 "is a cluster of children missing from care real?  The space-time permutation scan",
	 "  --of P              found (default) or last-seen: which point of each episode\n"
	 "  --cell METRES       the British National Grid cells the points are snapped to (default\n"
	 "                      1000); a cell of too few children merges into its parent cell\n"
	 "  --from, --to DATE   the study period (default: the episodes' first and last days)\n"
	 "  --max-radius, --max-days, --prospective, --replicates (default 999), --seed, --min-cases,\n"
	 "  --clusters          as for 'haven scan'\n"
	 "The episodes you may see, released through the gate: police and local authorities get\n"
	 "each cluster's centre and member cells; DfE and the Children's Commissioner each cluster's\n"
	 "local authority, window and counts, under disclosure control.  Audited.  docs/scan.md\n",
	 cmd_missing_scan, CLI_ACTS},
	{"scan",
	 "--cases FILE --coordinates FILE --start DATE --end DATE --max-radius METRES --max-days D\n"
	 "             [--latlong] [--prospective] [--replicates R] [--seed N] [--min-cases N]\n"
	 "             [--clusters N] [--csv|--json]",
	 "the space-time permutation scan statistic on SaTScan case and coordinates files",
	 "  --cases FILE        SaTScan's case file: location id, number of cases, date (YYYY/MM/DD)\n"
	 "  --coordinates FILE  SaTScan's coordinates file: location id and two coordinates in metres\n"
	 "                      (Euclidean), or with --latlong latitude and longitude (great-circle)\n"
	 "  --start, --end DATE the study period, both days included (YYYY-MM-DD)\n"
	 "  --max-radius METRES the largest cylinder radius\n"
	 "  --max-days D        the longest time window, in days\n"
	 "  --prospective       only windows ending on the last day (surveillance)\n"
	 "  --replicates R      Monte Carlo replicates (default 999; 0: no p-values)\n"
	 "  --seed N            the replicates' seed (default 12345678): the same seed, the same p\n"
	 "  --min-cases N       a cluster holds at least N cases (default 2)\n"
	 "  --clusters N        list at most N clusters (default 10)\n"
	 "  --csv, --json       output format (default: aligned text)\n"
	 "Fields are separated by spaces or tabs, one record a line.  Lists the most likely cluster\n"
	 "and secondary clusters sharing no location with a more likely one: centre, members,\n"
	 "radius, window, observed, expected, their ratio, log likelihood ratio and p.  Your own\n"
	 "files: no store, nothing disclosed, nothing audited.  docs/scan.md\n",
	 cmd_scan, 0},
	{"missing hotspots",
	 "STORE --cell METRES --band METRES [--of found|last-seen] [--from DATE] [--to DATE]\n"
	 "             [--permutations N] [--seed N] [--all] [--format text|csv|json]\n"
	 "             [--layer FILE.gpkg|geojson] [--map FILE.png|svg] [--force]",
	 "Getis-Ord Gi* hot spots of where children missing from care are found or last seen",
	 "  --cell METRES       the side of a British National Grid square (50 to 100000), squares\n"
	 "                      at multiples of it; the study region is every square whose centre\n"
	 "                      lies in an LA of your scope (or at sea within half a side of one)\n"
	 "  --band METRES       squares whose centres are this close are neighbours (the square too)\n"
	 "  --of P              found (default) or last-seen: which place of each episode counts\n"
	 "  --from, --to DATE   episodes starting in these days (default: every episode held)\n"
	 "  --permutations N    conditional permutations for the pseudo p-values (default 999; the\n"
	 "                      most extreme squares get up to 100 times as many)\n"
	 "  --seed N            the permutations' seed (default 1): the same seed, the same result\n"
	 "  --all               every square of the study region, not only those classed hot or cold\n"
	 "  --layer FILE        also write the squares as a layer (.gpkg or .geojson)\n"
	 "  --map FILE          also draw them, coloured by class (.png or .svg); --force replaces\n"
	 "Per square: episodes, episodes within the band, z, p, Benjamini-Hochberg q and class (hot\n"
	 "or cold at 90, 95 or 99%, by q).  Released through the gate: episodes in your scope;\n"
	 "aggregates-only audiences get the class of each square only.  docs/hotspots.md\n",
	 cmd_missing_hotspots, CLI_ACTS},
	/* placements (issue 11) */
	{"placements import", "STORE FILE --key KEYFILE [--skip-invalid --rejects FILE]",
	 "import a file of children's placements in homes (CSV, .csv.gz, XLSX)",
	 "  --key KEYFILE       the pseudonymisation key of the missing-episode imports: one key, so\n"
	 "                      a child has one pseudonym in both (the store refuses another)\n"
	 "  --skip-invalid      import the valid rows; write the others to --rejects FILE (a new file,\n"
	 "                      mode 0600, marked; the child identifier replaced by its pseudonym)\n"
	 "Columns child_id, placing_la, urn, start, end, origin_district (docs/formats.md,\n"
	 "\"Placement file\").  The origin is the district's centre, else the placing LA's population-\n"
	 "weighted centre ('haven boundaries centres'), else its point on surface.  A placement (child, home, start) seen before is unchanged or updated; the same\n"
	 "file again changes nothing.  All or nothing without --skip-invalid.  docs/placements.md\n",
	 cmd_placements_import, CLI_ACTS | CLI_WRITES},
	{"placements locations", "STORE [--by england|region|la] [--as-at DATE | --from DATE --to DATE] [--csv|--json]",
	 "DfE's location of placements: inside or outside the placing LA, 20 miles or less or more",
	 "  --by LEVEL          england (default), region or la: of the placing LA\n"
	 "  --as-at DATE        placements open on DATE; --from/--to: placements starting in the\n"
	 "                      period (DfE's new placements); neither: every placement held\n"
	 "Columns inside_under_20, inside_over_20, outside_under_20, outside_over_20, not_known,\n"
	 "total.  Released through the gate: counts in your scope; aggregates-only audiences under\n"
	 "disclosure control.  docs/placements.md (\"Locations\")\n",
	 cmd_placements_locations, CLI_ACTS},
	{"placements flows",
	 "STORE [--level la|region] [--top N] [--net] [--as-at DATE | --from DATE --to DATE] [--csv|--json]",
	 "the matrix of placements from placing LA to the home's LA; net movement per LA",
	 "  --level LEVEL       la (default) or region, at both ends\n"
	 "  --top N             keep the N largest flows; the rest of each placing area is 'other'\n"
	 "  --net               per LA instead: placed in by others, placed out, own, net movement\n"
	 "Rows: placements and distinct children per flow, then each placing area's total.  Released\n"
	 "through the gate.  docs/placements.md (\"Flows\")\n",
	 cmd_placements_flows, CLI_ACTS},
	{"placements capacity", "STORE [--as-at DATE] [--csv|--json]",
	 "per LA: homes and places against the children it places, at home and elsewhere",
	 "  --as-at DATE        the register and the placements open on DATE (default: today)\n"
	 "Sufficiency is places per child the LA places.  docs/placements.md (\"Capacity\")\n",
	 cmd_placements_capacity, CLI_ACTS},
	/* offender exclusion zones and proposed-address checks (docs/zones.md) */
	{"zones import", "STORE FILE [--source-crs CRS] [--skip-invalid --rejects FILE]",
	 "import offender exclusion zones: polygons, or points with a radius (any OGR source, CSV)",
	 "  --source-crs CRS    the coordinates' CRS when the file does not say (CSV: EPSG:4326 for\n"
	 "                      wkt and lon/lat, EPSG:27700 for easting/northing)\n"
	 "  --skip-invalid      import the valid zones; write the others to --rejects FILE (a new\n"
	 "                      file, mode 0600, marked)\n"
	 "Each zone: zone_ref, case_ref (a pseudonymous case reference, never a name), kind\n"
	 "(exclusion, residence_restriction, no_contact), valid_from, valid_to, windows (e.g.\n"
	 "\"Mon-Fri 15:00-18:00; Sat 10:00-16:00\", Europe/London), radius_m for a point.  Reprojected\n"
	 "to EPSG:27700; invalid geometry repaired and reported; a zone outside England and Wales is\n"
	 "refused.  Police and probation users.  docs/zones.md, docs/formats.md (\"Zones file\")\n",
	 cmd_zones_import, CLI_ACTS | CLI_WRITES},
	{"zones check", "STORE [--as-at DATETIME] [--buffer METRES] [--by zone|home] [--format text|csv|json]",
	 "the homes inside or near each exclusion zone live at a time",
	 "  --as-at DATETIME    YYYY-MM-DD[THH:MM], clock time in Europe/London (default now): a zone is\n"
	 "                      live when valid on the day and, if it has time windows, in one\n"
	 "  --buffer METRES     also the homes within this distance of a zone (default 0)\n"
	 "  --by zone|home      a row per zone and home (default), or per home with its zones\n"
	 "Only zones touching the user's police force areas.  Police users of the force see the\n"
	 "homes; anyone else a row per zone with counts (below 3: \"fewer than 3\").  docs/zones.md\n",
	 cmd_zones_check, CLI_ACTS},
	{"zones address",
	 "STORE --postcode PC | --point E,N | --lonlat LON,LAT | --file ADDRESSES --radius METRES --case REF\n"
	 "             [--homes] [--format text|csv|json]",
	 "probation's proposed-address check: homes within a radius, counted, nearest distance",
	 "  --postcode, --point, --lonlat   the proposed address (BNG metres, or WGS84 degrees)\n"
	 "  --file ADDRESSES    a CSV of addresses (id, and postcode or easting,northing or lon,lat)\n"
	 "  --radius METRES     how far to look (1 to 20000)\n"
	 "  --case REF          the MAPPA case reference the check is for (audited)\n"
	 "  --homes             list the homes themselves (police users of the area only)\n"
	 "A probation user gets counts and the nearest distance rounded to 100 m; a count below 3\n"
	 "reads \"fewer than 3\".  Every check is recorded; more than 5 checks by one user within\n"
	 "500 m of one place in 24 hours raise a notice in the audit log.  docs/zones.md\n",
	 cmd_zones_address, CLI_ACTS | CLI_WRITES},
	{"zones propose", "STORE --urn URN[,URN...] --radius METRES --out FILE.geojson|.gpkg [--map FILE.png|.svg|.pdf]\n"
	 "             [--simplify METRES] [--force]",
	 "a suggested exclusion zone around homes, for a licence map (police)",
	 "  --urn URN           the homes to keep the offender from (repeat, or separate with commas)\n"
	 "  --radius METRES     the distance around each home (1 to 20000)\n"
	 "  --simplify METRES   the outline's tolerance (default 25; at most half the radius)\n"
	 "  --out FILE          the zone as GeoJSON or GeoPackage (one polygon; the homes are not in it)\n"
	 "  --map FILE          and as a map page with a scale bar and grid north\n"
	 "The homes' points buffered, unioned, holes filled, simplified.  Police users of the force\n"
	 "only.  docs/zones.md (\"Suggested zones\")\n",
	 cmd_zones_propose, CLI_ACTS},
	/* the location risk profile of a proposed home: crime, offenders, the assessment (docs/assess.md) */
	{"crime import", "STORE FILE...", "import police.uk street-level crime CSVs (.csv or .csv.gz)",
	 "Every row is kept: rows without coordinates are counted and never placed, anti-social\n"
	 "behaviour rows without a Crime ID are valid, points outside the force area count where\n"
	 "they lie.  A file loaded before is skipped; a file's (force, month) pairs replace those\n"
	 "held.  All files in one transaction.  Needs the pfa boundaries.  docs/assess.md,\n"
	 "docs/formats.md (\"Crime file\")\n",
	 cmd_crime_import, CLI_ACTS | CLI_WRITES},
	{"offenders import", "STORE FILE [--source-crs CRS]",
	 "import the layer of offender residences: points with a pseudonymous reference (police only)",
	 "  --source-crs CRS    the coordinates' CRS when the file does not say\n"
	 "A CSV (offender_ref with easting,northing or lon,lat) or any OGR point layer.  The layer\n"
	 "replaces the one held; a name as a reference is refused.  Never shown as positions: an\n"
	 "assessment counts them.  docs/assess.md, docs/formats.md (\"Offenders file\")\n",
	 cmd_offenders_import, CLI_ACTS | CLI_WRITES},
	{"location assess",
	 "STORE --postcode PC|--point E,N|--lonlat LON,LAT [--radius METRES] [--of found|last-seen]\n"
	 "             [--eps METRES] [--min-points N] [--cell METRES] [--band METRES] [--from DATE] [--to DATE]\n"
	 "             [--json|--csv] [--pdf FILE [--force]]",
	 "the location risk profile of a proposed new home: homes, zones, offenders, crime and missing episodes",
	 "  --postcode PC       the place, by the store's gazetteer\n"
	 "  --point E,N         or British National Grid easting and northing, metres\n"
	 "  --lonlat LON,LAT    or WGS84 longitude and latitude (refused outside Great Britain)\n"
	 "  --radius METRES     how far around it (default 1000, 50 to 10000)\n"
	 "  --of P              found (default) or last-seen: which point of each missing episode\n"
	 "  --eps, --min-points the clusters' DBSCAN, as 'haven missing clusters' (default 150 m, 10)\n"
	 "  --cell, --band      the hot spots' squares and band, as 'haven missing hotspots' (default\n"
	 "                      1000 m, 2000 m)\n"
	 "  --from, --to DATE   the episodes' period (default: all)\n"
	 "  --pdf FILE          also a one-page map (.pdf, .png or .svg); --force replaces\n"
	 "Other open homes within the radius (a count and the nearest distance to 100 m; below 3\n"
	 "\"fewer than 3\" except for police), exclusion zones touching it, offender residences\n"
	 "within it (a count only; exact for police and the LA of the area), police.uk crime per\n"
	 "km2 by type against the LA's own rate, the missing-episode clusters and hot spots within\n"
	 "it (as 'haven missing clusters' and 'hotspots' give them to you; the map draws the\n"
	 "clusters' outlines for police).  Released through the gate.  docs/assess.md\n",
	 cmd_location_assess, CLI_ACTS},
	/* alerting every home in an area (docs/alert.md) */
	{"alert list",
	 "STORE --near PC|E,N --radius METRES | --area CODE | --zone REF [--as-at DATE[THH:MM]]\n"
	 "             [--format text|csv|vcf] [--out FILE] [--force]",
	 "every open home in an area with its name, address, telephone and registered person (police)",
	 "  --near PC|E,N       a postcode's centroid (the store's gazetteer) or a point (BNG metres)\n"
	 "  --radius METRES     with --near: how far (1 to 50000); a home on the radius is listed\n"
	 "  --area CODE         an LA, district or police force area by its GSS code: its polygon\n"
	 "  --zone REF          a stored zone by its reference ('haven zones import'): its geometry\n"
	 "  --as-at DATE        the homes open on DATE (default: the current register); with --zone\n"
	 "                      a day or YYYY-MM-DDTHH:MM, when the zone must be live (default now)\n"
	 "  --format F          text (default), csv (one row per home, for a mail merge) or vcf\n"
	 "                      (vCard 4.0, one card per home, for a phone list)\n"
	 "  --out FILE          write FILE (a new file, mode 0600) instead of stdout; --force replaces\n"
	 "Police users of the force only: the homes in your force area; a probation, LA or DfE user\n"
	 "is refused.  Audited with your purpose (--purpose), marked OFFICIAL-SENSITIVE.  docs/alert.md\n",
	 cmd_alert_list, CLI_ACTS},
	{"geocode", "STORE [--redo]", "place every current home: UPRN, postcode, sector; cross-check its LA",
	 "  --redo   place every current home again (manual placements are kept)\n"
	 "Methods and confidences: uprn 1.0, postcode 0.9, postcode_terminated 0.7, sector 0.4,\n"
	 "unmatched 0.  Each point is checked against the LA the register gives.  docs/geocode.md\n",
	 cmd_geocode, CLI_ACTS | CLI_WRITES},
	{"geocode report", "STORE [--csv|--json]",
	 "list homes to check: unmatched, sector-only, or outside the LA the register gives", "", cmd_geocode_report,
	 CLI_ACTS},
	{"geocode set", "STORE URN --point E,N --reason TEXT", "place a home by hand (BNG metres), recording why",
	 "  --point E,N     British National Grid easting and northing, metres\n"
	 "  --reason TEXT   why (kept with the placement; required)\n",
	 cmd_geocode_set, CLI_ACTS | CLI_WRITES | CLI_REASON},
	{"authority add", "STORE --kind KIND --code CODE --name NAME [--area PFA]...",
	 "register an authority",
	 "  --kind KIND   police, la, occ, dfe, probation or hmci\n"
	 "  --code CODE   police: its police force area code (E23......, W15......); la: its LA code\n"
	 "                (E06, E08, E09, E10, W06 ......); others: letters, digits, '.', '_', '-'\n"
	 "  --name NAME   its name\n"
	 "  --area PFA    police force areas it works in: one or more for probation (required);\n"
	 "                for police, in place of its own code; none for la, occ, dfe, hmci\n"
	 "See docs/governance.md.\n",
	 cmd_authority_add, CLI_ACTS | CLI_WRITES | CLI_ADMIN},
	{"authority list", "STORE [--csv|--json]", "list the authorities, their areas, users, keys and recorded scopes",
	 "", cmd_authority_list, CLI_ACTS},
	{"authority rescope", "STORE --authority CODE",
	 "record an authority's scope again from the boundaries now loaded (audited)",
	 "A scope (the local authorities an authority may see) is recorded once, when first known;\n"
	 "loading boundaries never changes it, only says when new ones would.  This adopts them.\n",
	 cmd_authority_rescope, CLI_ACTS | CLI_WRITES | CLI_ADMIN},
	{"authority key add", "STORE --authority CODE --public-key B64 [--label TEXT]",
	 "record a public key an authority signs with, e.g. HMCI's extract-manifest key",
	 "  --authority CODE    a registered authority\n"
	 "  --public-key B64    the Ed25519 public key, base64 (as 'haven audit keygen' prints)\n"
	 "  --label TEXT        what the key is for\n",
	 cmd_authority_key_add, CLI_ACTS | CLI_WRITES | CLI_ADMIN},
	{"authority key list", "STORE [--authority CODE] [--csv|--json]", "list recorded authority keys", "",
	 cmd_authority_key_list, CLI_ACTS},
	{"user add", "STORE --name NAME --authority CODE --role analyst|senior|admin [--key-file PATH] "
	 "[--default-purpose CODE]",
	 "add a user; a senior gets a new signing key",
	 "  --name NAME              letters, digits, '.', '_', '-', '@' (at most 63)\n"
	 "  --authority CODE         the user's authority\n"
	 "  --role ROLE              analyst, senior (authorises exceptional use) or admin (manages users)\n"
	 "  --key-file PATH          seniors: where to write the new secret key (default:\n"
	 "                           $HAVEN_KEY_DIR/NAME.key, else ~/.haven/keys/NAME.key); the store\n"
	 "                           keeps only the public key\n"
	 "  --default-purpose CODE   the purpose used when --purpose is not given; must be registered\n"
	 "                           for the authority's kind ('haven purpose list')\n",
	 cmd_user_add, CLI_ACTS | CLI_WRITES | CLI_ADMIN},
	{"user list", "STORE [--csv|--json]", "list the users, their roles and public keys", "", cmd_user_list,
	 CLI_ACTS},
	{"user disable", "STORE NAME", "stop a user acting; authorisations they signed lapse",
	 "Users are never deleted: the audit log names them.  The last enabled admin cannot be disabled.\n",
	 cmd_user_disable, CLI_ACTS | CLI_WRITES | CLI_ADMIN},
	{"purpose list", "STORE [--kind KIND] [--csv|--json]", "list the registered purposes, by kind of authority",
	 "  --kind KIND   only the purposes of police, la, occ, dfe, probation or hmci\n"
	 "Any other use is exceptional: see 'haven help authorise'.\n",
	 cmd_purpose_list, CLI_ACTS},
	{"authorise", "STORE --key KEYFILE --for USER --use TEXT --reason TEXT [--expires YYYY-MM-DD]",
	 "sign a single-use authorisation for another user's exceptional use (seniors)",
	 "  --key KEYFILE        your secret key (from 'haven user add'); mode 0600\n"
	 "  --for USER           who may use it: a user of your authority, not you\n"
	 "  --use TEXT           the use, exactly as they will give it with --purpose\n"
	 "  --reason TEXT        why it is justified\n"
	 "  --expires DATE       valid to the end of DATE (UTC); default 30 days, at most 365\n"
	 "Run it --as yourself.  The user then acts with --purpose TEXT --reason WHY --authorisation ID;\n"
	 "the first operation uses it up.  See docs/governance.md.\n",
	 cmd_authorise, CLI_ACTS | CLI_WRITES | CLI_REASON},
	{"request add", "STORE --authority CODE --requester NAME --role ROLE --date YYYY-MM-DD --kind one-off|monthly "
	 "--deliver-to TEXT",
	 "record a receiver's written request for the register (HMCI stores only)",
	 "  --authority CODE    the requesting authority, registered in the store\n"
	 "  --requester NAME    who signed the request\n"
	 "  --role ROLE         chief-officer (police), director-of-childrens-services (LA),\n"
	 "                      senior-official (Children's Commissioner, DfE, probation)\n"
	 "  --date DATE         when the request was made (not in the future)\n"
	 "  --kind KIND         one-off (fulfilled by its first extract) or monthly (confirmed every\n"
	 "                      12 months, or it lapses)\n"
	 "  --deliver-to TEXT   where extracts are delivered securely\n"
	 "See docs/disclosure.md.\n",
	 cmd_request_add, CLI_ACTS | CLI_WRITES},
	{"request confirm", "STORE ID --date YYYY-MM-DD --by NAME",
	 "record the requester's 12-monthly confirmation of a monthly request",
	 "  --date DATE   the date of the confirmation: not in the future, not before the request or its\n"
	 "                latest confirmation, not more than 12 months after it (a lapsed request needs a\n"
	 "                new request)\n"
	 "  --by NAME     who confirmed\n",
	 cmd_request_confirm, CLI_ACTS | CLI_WRITES},
	{"request withdraw", "STORE ID --date YYYY-MM-DD", "record that a request was withdrawn: no more extracts for it",
	 "  --date DATE   when it was withdrawn (not in the future, not before the request)\n", cmd_request_withdraw,
	 CLI_ACTS | CLI_WRITES},
	{"request list", "STORE [--csv|--json]", "list disclosure requests with their status and next confirmation due",
	 "Status: active, lapsed (a monthly request not confirmed within 12 months), fulfilled (a one-off\n"
	 "request with its extract made), withdrawn.\n"
	 "  --csv, --json  output format (default: aligned text)\n",
	 cmd_request_list, CLI_ACTS},
	{"request due", "STORE [--within DAYS] [--csv|--json]",
	 "monthly requests whose confirmation falls due soon, and those that lapsed",
	 "  --within DAYS  how far ahead to look (default 31)\n"
	 "  --csv, --json  output format (default: aligned text)\n"
	 "days_left is negative for a lapsed request.\n",
	 cmd_request_due, CLI_ACTS},
	{"disclose extract", "STORE --request ID --key KEYFILE --out FILE",
	 "write the signed, scoped register extract for a request (OFFICIAL-SENSITIVE)",
	 "  --request ID    the request (refused if lapsed, withdrawn, or one-off and fulfilled)\n"
	 "  --key KEYFILE   HMCI's Ed25519 signing key (made with 'haven audit keygen')\n"
	 "  --out FILE      the extract (register format, CSV); FILE.manifest is its signed manifest.\n"
	 "                  Neither is ever overwritten.\n"
	 "Holds the current homes in the requester's scope, with the Schedule 5 columns only.\n"
	 "See docs/disclosure.md.\n",
	 cmd_disclose_extract, CLI_ACTS | CLI_WRITES},
	{"audit keygen", "KEYFILE", "make an Ed25519 key for signing audit checkpoints (secret file, mode 0600)",
	 "Writes the secret key to KEYFILE, which must not exist, and prints the public key:\n"
	 "keep a copy of the public key away from the store.  Key files that group or others\n"
	 "may read are refused.  See docs/audit.md.\n",
	 cmd_audit_keygen, 0},
	{"audit checkpoint", "STORE --key KEYFILE [--previous FILE] [--out FILE]",
	 "sign the audit log's current size and root (a C2SP signed note)",
	 "  --key KEYFILE     secret key from 'haven audit keygen'; the first checkpoint records\n"
	 "                    its public key in the store, later ones must use the same key\n"
	 "  --previous FILE   the last checkpoint kept: refuse to sign unless the log extends it\n"
	 "  --out FILE        write the checkpoint to FILE (mode 0600, never overwritten) instead\n"
	 "                    of stdout\n"
	 "The log is verified first; a tampered log is never signed (exit 31).  Keep every\n"
	 "checkpoint outside the store: it is what later detects rewriting and truncation.\n",
	 cmd_audit_checkpoint, CLI_WRITES},
	{"audit verify", "STORE [--checkpoint FILE]", "check the audit log has not been tampered with",
	 "  --checkpoint FILE   also check FILE's signature by the store's key, that the log is not\n"
	 "                      shorter, and that it extends FILE's tree (consistency proof)\n"
	 "Recomputes every entry's bytes and leaf hash from its fields and the RFC 6962 root.\n"
	 "Exit 31 (HAVEN_ERR_TAMPER) names the first bad entry and what failed.\n",
	 cmd_audit_verify, 0},
	{"audit export", "STORE [--format csv|json] [--out FILE [--force]]",
	 "write every audit entry with its canonical bytes, leaf hash and the tree root",
	 "  --format csv|json   CSV (one row per entry) or JSON (default: a document with the\n"
	 "                      origin, tree size, root and public key, then the entries)\n"
	 "  --out FILE          write to FILE (a new file, mode 0600) instead of stdout\n"
	 "  --force             replace an existing FILE\n"
	 "Each entry carries its canonical bytes (base64), leaf hash (hex) and the tree size and\n"
	 "root after it, so the log can be checked by other tools (tests/audit_check.py).\n",
	 cmd_audit_export, CLI_ACTS | CLI_ADMIN},
	{"transparency report", "STORE --from DATE --to DATE [--checkpoint FILE] [--csv|--json]",
	 "publishable count of use beyond the registered purposes, by month and authority",
	 "  --from, --to DATE    the period (inclusive, UTC dates)\n"
	 "  --checkpoint FILE    also check the log against a kept checkpoint\n"
	 "Computed only from an audit log that verifies; names no user and no home.\n",
	 cmd_transparency, CLI_ACTS},
	{"complaint add", "STORE --about home|child [--urn URN] [--advocate NAME] --summary TEXT [--audit SEQ,...] "
	                  "[--received DATE]",
	 "record a complaint from a home, or a child through an advocate, who feels unfairly targeted",
	 "  --about home|child   who complains; a child complains through an advocate (--advocate)\n"
	 "  --urn URN            the home concerned (required for a home)\n"
	 "  --summary TEXT       what the complaint says (never a child's identity)\n"
	 "  --audit SEQ,...      the audit entries it concerns\n"
	 "  --received DATE      when it was received (default today)\n",
	 cmd_complaint_add, CLI_ACTS | CLI_WRITES},
	{"complaint list", "STORE [--status STATUS] [--csv|--json]", "list complaints with their audit entries", "",
	 cmd_complaint_list, CLI_ACTS},
	{"complaint update", "STORE ID --status STATUS [--outcome TEXT] [--audit SEQ,...]",
	 "move a complaint on: open, investigating, upheld, not-upheld, withdrawn",
	 "  --outcome TEXT   required when upheld or not upheld\n", cmd_complaint_update,
	 CLI_ACTS | CLI_WRITES},
	{"erase", "STORE --before DATE", "erase disclosed data that expired before DATE (senior or admin)",
	 "Removes home versions that stopped being current before DATE, change records of snapshots\n"
	 "received before it, and enforcement actions before it of homes no longer held.  Current\n"
	 "homes are kept.  The erasure is recorded in the audit log with counts only.\n",
	 cmd_erase, CLI_ACTS | CLI_WRITES},
};

const size_t cli_ncommands = sizeof cli_commands / sizeof cli_commands[0];

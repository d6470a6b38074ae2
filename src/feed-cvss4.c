/*
 * CVSS v4.0 base scores: FIRST's MacroVector lookup and interpolation, as
 * the specification (section 8) and its reference calculator define them.
 * The scores of the 270 MacroVectors, the highest-severity vectors of each
 * and their depths are the calculator's (cvss40.js of FIRST's and Red Hat's
 * cvss-v4-calculator, BSD-2-Clause, Copyright FIRST, Red Hat, and
 * contributors); the code is written here from the specification.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "feed.h"
#include "util.h"

enum cvss4_metric {
	M_AV, M_AC, M_AT, M_PR, M_UI, M_VC, M_VI, M_VA, M_SC, M_SI, M_SA,
	M_E, M_CR, M_IR, M_AR,
	M_MAV, M_MAC, M_MAT, M_MPR, M_MUI, M_MVC, M_MVI, M_MVA, M_MSC, M_MSI,
	M_MSA,
	M_COUNT
};

/* Each metric's name and the values it takes; the base ones are required. */
static const struct {
	const char	*name;
	const char	*values;
} cvss4_metrics[M_COUNT] = {
	[M_AV] = { "AV", "NALP" }, [M_AC] = { "AC", "LH" }, [M_AT] = { "AT", "NP" },
	[M_PR] = { "PR", "NLH" }, [M_UI] = { "UI", "NPA" },
	[M_VC] = { "VC", "NLH" }, [M_VI] = { "VI", "NLH" }, [M_VA] = { "VA", "NLH" },
	[M_SC] = { "SC", "NLH" }, [M_SI] = { "SI", "NLH" }, [M_SA] = { "SA", "NLH" },
	[M_E] = { "E", "XAPU" },
	[M_CR] = { "CR", "XHML" }, [M_IR] = { "IR", "XHML" }, [M_AR] = { "AR", "XHML" },
	[M_MAV] = { "MAV", "XNALP" }, [M_MAC] = { "MAC", "XLH" },
	[M_MAT] = { "MAT", "XNP" }, [M_MPR] = { "MPR", "XNLH" },
	[M_MUI] = { "MUI", "XNPA" }, [M_MVC] = { "MVC", "XHLN" },
	[M_MVI] = { "MVI", "XHLN" }, [M_MVA] = { "MVA", "XHLN" },
	[M_MSC] = { "MSC", "XHLN" }, [M_MSI] = { "MSI", "XSHLN" },
	[M_MSA] = { "MSA", "XSHLN" },
};
#define CVSS4_BASE	(M_SA + 1)

/* Supplemental metrics: valid, no part of the score. */
static const char *cvss4_supplemental[] = { "S", "AU", "R", "V", "RE", "U" };

/* The MacroVectors' scores, times ten: key eq1 eq2 eq3 eq4 eq5 eq6 as digits. */
static const struct {
	int	key;
	int	score;
} cvss4_lookup[] = {
	{      0, 100 }, {      1,  99 }, {     10,  98 }, {     11,  95 },
	{     20,  95 }, {     21,  92 }, {    100, 100 }, {    101,  96 },
	{    110,  93 }, {    111,  87 }, {    120,  91 }, {    121,  81 },
	{    200,  93 }, {    201,  90 }, {    210,  89 }, {    211,  80 },
	{    220,  81 }, {    221,  68 }, {   1000,  98 }, {   1001,  95 },
	{   1010,  95 }, {   1011,  92 }, {   1020,  90 }, {   1021,  84 },
	{   1100,  93 }, {   1101,  92 }, {   1110,  89 }, {   1111,  81 },
	{   1120,  81 }, {   1121,  65 }, {   1200,  88 }, {   1201,  80 },
	{   1210,  78 }, {   1211,  70 }, {   1220,  69 }, {   1221,  48 },
	{   2001,  92 }, {   2011,  82 }, {   2021,  72 }, {   2101,  79 },
	{   2111,  69 }, {   2121,  50 }, {   2201,  69 }, {   2211,  55 },
	{   2221,  27 }, {  10000,  99 }, {  10001,  97 }, {  10010,  95 },
	{  10011,  92 }, {  10020,  92 }, {  10021,  85 }, {  10100,  95 },
	{  10101,  91 }, {  10110,  90 }, {  10111,  83 }, {  10120,  84 },
	{  10121,  71 }, {  10200,  92 }, {  10201,  81 }, {  10210,  82 },
	{  10211,  71 }, {  10220,  72 }, {  10221,  53 }, {  11000,  95 },
	{  11001,  93 }, {  11010,  92 }, {  11011,  85 }, {  11020,  85 },
	{  11021,  73 }, {  11100,  92 }, {  11101,  82 }, {  11110,  80 },
	{  11111,  72 }, {  11120,  70 }, {  11121,  59 }, {  11200,  84 },
	{  11201,  70 }, {  11210,  71 }, {  11211,  52 }, {  11220,  50 },
	{  11221,  30 }, {  12001,  86 }, {  12011,  75 }, {  12021,  52 },
	{  12101,  71 }, {  12111,  52 }, {  12121,  29 }, {  12201,  63 },
	{  12211,  29 }, {  12221,  17 }, { 100000,  98 }, { 100001,  95 },
	{ 100010,  94 }, { 100011,  87 }, { 100020,  91 }, { 100021,  81 },
	{ 100100,  94 }, { 100101,  89 }, { 100110,  86 }, { 100111,  74 },
	{ 100120,  77 }, { 100121,  64 }, { 100200,  87 }, { 100201,  75 },
	{ 100210,  74 }, { 100211,  63 }, { 100220,  63 }, { 100221,  49 },
	{ 101000,  94 }, { 101001,  89 }, { 101010,  88 }, { 101011,  77 },
	{ 101020,  76 }, { 101021,  67 }, { 101100,  86 }, { 101101,  76 },
	{ 101110,  74 }, { 101111,  58 }, { 101120,  59 }, { 101121,  50 },
	{ 101200,  72 }, { 101201,  57 }, { 101210,  57 }, { 101211,  52 },
	{ 101220,  52 }, { 101221,  25 }, { 102001,  83 }, { 102011,  70 },
	{ 102021,  54 }, { 102101,  65 }, { 102111,  58 }, { 102121,  26 },
	{ 102201,  53 }, { 102211,  21 }, { 102221,  13 }, { 110000,  95 },
	{ 110001,  90 }, { 110010,  88 }, { 110011,  76 }, { 110020,  76 },
	{ 110021,  70 }, { 110100,  90 }, { 110101,  77 }, { 110110,  75 },
	{ 110111,  62 }, { 110120,  61 }, { 110121,  53 }, { 110200,  77 },
	{ 110201,  66 }, { 110210,  68 }, { 110211,  59 }, { 110220,  52 },
	{ 110221,  30 }, { 111000,  89 }, { 111001,  78 }, { 111010,  76 },
	{ 111011,  67 }, { 111020,  62 }, { 111021,  58 }, { 111100,  74 },
	{ 111101,  59 }, { 111110,  57 }, { 111111,  57 }, { 111120,  47 },
	{ 111121,  23 }, { 111200,  61 }, { 111201,  52 }, { 111210,  57 },
	{ 111211,  29 }, { 111220,  24 }, { 111221,  16 }, { 112001,  71 },
	{ 112011,  59 }, { 112021,  30 }, { 112101,  58 }, { 112111,  26 },
	{ 112121,  15 }, { 112201,  23 }, { 112211,  13 }, { 112221,   6 },
	{ 200000,  93 }, { 200001,  87 }, { 200010,  86 }, { 200011,  72 },
	{ 200020,  75 }, { 200021,  58 }, { 200100,  86 }, { 200101,  74 },
	{ 200110,  74 }, { 200111,  61 }, { 200120,  56 }, { 200121,  34 },
	{ 200200,  70 }, { 200201,  54 }, { 200210,  52 }, { 200211,  40 },
	{ 200220,  40 }, { 200221,  22 }, { 201000,  85 }, { 201001,  75 },
	{ 201010,  74 }, { 201011,  55 }, { 201020,  62 }, { 201021,  51 },
	{ 201100,  72 }, { 201101,  57 }, { 201110,  55 }, { 201111,  41 },
	{ 201120,  46 }, { 201121,  19 }, { 201200,  53 }, { 201201,  36 },
	{ 201210,  34 }, { 201211,  19 }, { 201220,  19 }, { 201221,   8 },
	{ 202001,  64 }, { 202011,  51 }, { 202021,  20 }, { 202101,  47 },
	{ 202111,  21 }, { 202121,  11 }, { 202201,  24 }, { 202211,   9 },
	{ 202221,   4 }, { 210000,  88 }, { 210001,  75 }, { 210010,  73 },
	{ 210011,  53 }, { 210020,  60 }, { 210021,  50 }, { 210100,  73 },
	{ 210101,  55 }, { 210110,  59 }, { 210111,  40 }, { 210120,  41 },
	{ 210121,  20 }, { 210200,  54 }, { 210201,  43 }, { 210210,  45 },
	{ 210211,  22 }, { 210220,  20 }, { 210221,  11 }, { 211000,  75 },
	{ 211001,  55 }, { 211010,  58 }, { 211011,  45 }, { 211020,  40 },
	{ 211021,  21 }, { 211100,  61 }, { 211101,  51 }, { 211110,  48 },
	{ 211111,  18 }, { 211120,  20 }, { 211121,   9 }, { 211200,  46 },
	{ 211201,  18 }, { 211210,  17 }, { 211211,   7 }, { 211220,   8 },
	{ 211221,   2 }, { 212001,  53 }, { 212011,  24 }, { 212021,  14 },
	{ 212101,  24 }, { 212111,  12 }, { 212121,   5 }, { 212201,  10 },
	{ 212211,   3 }, { 212221,   1 },
};

/*
 * The highest-severity vectors of each EQ level (eq3 by eq6 too), as
 * "AV:N/PR:N/UI:N/" parts; NULL ends a list.
 */
static const char *cvss4_max_eq1[3][4] = {
	{ "AV:N/PR:N/UI:N/" },
	{ "AV:A/PR:N/UI:N/", "AV:N/PR:L/UI:N/", "AV:N/PR:N/UI:P/" },
	{ "AV:P/PR:N/UI:N/", "AV:A/PR:L/UI:P/" },
};
static const char *cvss4_max_eq2[2][3] = {
	{ "AC:L/AT:N/" },
	{ "AC:H/AT:N/", "AC:L/AT:P/" },
};
static const char *cvss4_max_eq3[3][2][6] = {
	{ { "VC:H/VI:H/VA:H/CR:H/IR:H/AR:H/" },
	  { "VC:H/VI:H/VA:L/CR:M/IR:M/AR:H/", "VC:H/VI:H/VA:H/CR:M/IR:M/AR:M/" } },
	{ { "VC:L/VI:H/VA:H/CR:H/IR:H/AR:H/", "VC:H/VI:L/VA:H/CR:H/IR:H/AR:H/" },
	  { "VC:L/VI:H/VA:L/CR:H/IR:M/AR:H/", "VC:L/VI:H/VA:H/CR:H/IR:M/AR:M/",
	    "VC:H/VI:L/VA:H/CR:M/IR:H/AR:M/", "VC:H/VI:L/VA:L/CR:M/IR:H/AR:H/",
	    "VC:L/VI:L/VA:H/CR:H/IR:H/AR:M/" } },
	{ { NULL }, { "VC:L/VI:L/VA:L/CR:H/IR:H/AR:H/" } },
};
static const char *cvss4_max_eq4[3][2] = {
	{ "SC:H/SI:S/SA:S/" }, { "SC:H/SI:H/SA:H/" }, { "SC:L/SI:L/SA:L/" },
};
static const char *cvss4_max_eq5[3][2] = {
	{ "E:A/" }, { "E:P/" }, { "E:U/" },
};

/* The depth of each EQ level in severity steps (eq3 by eq6). */
static const int cvss4_depth_eq1[3] = { 1, 4, 5 };
static const int cvss4_depth_eq2[2] = { 1, 2 };
static const int cvss4_depth_eq3eq6[3][2] = { { 7, 6 }, { 8, 8 }, { 0, 10 } };
static const int cvss4_depth_eq4[3] = { 6, 5, 4 };

/* The metrics whose severity distances count, and each value's level in steps. */
static const struct {
	enum cvss4_metric	 m;
	const char		*levels;	/* value at index i is i steps down */
	int			 first;		/* the level of levels[0] */
} cvss4_levels[] = {
	{ M_AV, "NALP", 0 }, { M_PR, "NLH", 0 }, { M_UI, "NPA", 0 },
	{ M_AC, "LH", 0 }, { M_AT, "NP", 0 },
	{ M_VC, "HLN", 0 }, { M_VI, "HLN", 0 }, { M_VA, "HLN", 0 },
	{ M_SC, "HLN", 1 }, { M_SI, "SHLN", 0 }, { M_SA, "SHLN", 0 },
	{ M_CR, "HML", 0 }, { M_IR, "HML", 0 }, { M_AR, "HML", 0 },
	{ M_E, "APU", 0 },
};

/* A metric's value as scored: E, CR, IR, AR undefined are their worst; a modified one wins. */
static char
cvss4_effective(const char *v, enum cvss4_metric m)
{
	if (m == M_E && v[m] == 'X')
		return 'A';
	if ((m == M_CR || m == M_IR || m == M_AR) && v[m] == 'X')
		return 'H';
	if (m < CVSS4_BASE && v[M_MAV + m] != 'X')
		return v[M_MAV + m];
	return v[m];
}

static int
cvss4_level(const char *levels, int first, char c)
{
	const char	*p;

	if ((p = strchr(levels, c)) == NULL)
		return -1;
	return first + (int)(p - levels);
}

/* The level of metric m in a max vector part ("AV:N/PR:N/UI:N/"); -1 when absent. */
static int
cvss4_part_level(const char *part, size_t i)
{
	const char	*name = cvss4_metrics[cvss4_levels[i].m].name, *p = part;
	size_t		 n = strlen(name);

	while (p != NULL && *p != '\0') {
		if (strncmp(p, name, n) == 0 && p[n] == ':')
			return cvss4_level(cvss4_levels[i].levels,
			    cvss4_levels[i].first, p[n + 1]);
		if ((p = strchr(p, '/')) != NULL)
			p++;
	}
	return -1;
}

/* The score of a MacroVector times ten, -1 when there is none. */
static int
cvss4_macro(int eq1, int eq2, int eq3, int eq4, int eq5, int eq6)
{
	int	key, lo = 0, hi = (int)NELEM(cvss4_lookup), mid;

	if (eq1 > 9 || eq2 > 9 || eq3 > 9 || eq4 > 9 || eq5 > 9 || eq6 > 9)
		return -1;
	key = ((((eq1 * 10 + eq2) * 10 + eq3) * 10 + eq4) * 10 + eq5) * 10 + eq6;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cvss4_lookup[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < (int)NELEM(cvss4_lookup) && cvss4_lookup[lo].key == key ?
	    cvss4_lookup[lo].score : -1;
}

/* Parse a vector into v[M_COUNT] (values as characters, 'X' when not given). */
static int
cvss4_parse(const char *vector, char *v)
{
	const char	*p, *colon, *end;
	size_t		 i, n;
	int		 known;

	if (vector == NULL || !str_starts(vector, "CVSS:4.0/") ||
	    vector[strlen(vector) - 1] == '/')
		return HS_EINVAL;
	memset(v, 0, M_COUNT);
	for (i = CVSS4_BASE; i < M_COUNT; i++)
		v[i] = 'X';
	for (p = vector + strlen("CVSS:4.0/"); *p != '\0'; p = *end != '\0' ? end + 1 : end) {
		end = p + strcspn(p, "/");
		if ((colon = memchr(p, ':', end - p)) == NULL || colon == p ||
		    colon + 1 == end)
			return HS_EINVAL;
		n = colon - p;
		known = 0;
		for (i = 0; i < M_COUNT && !known; i++) {
			if (strlen(cvss4_metrics[i].name) != n ||
			    strncmp(cvss4_metrics[i].name, p, n) != 0)
				continue;
			known = 1;
			if (end - colon != 2 ||
			    strchr(cvss4_metrics[i].values, colon[1]) == NULL ||
			    (i < CVSS4_BASE && v[i] != 0))
				return HS_EINVAL;
			v[i] = colon[1];
		}
		for (i = 0; i < NELEM(cvss4_supplemental) && !known; i++)
			known = strlen(cvss4_supplemental[i]) == n &&
			    strncmp(cvss4_supplemental[i], p, n) == 0;
		if (!known)
			return HS_EINVAL;
	}
	for (i = 0; i < CVSS4_BASE; i++) {
		if (v[i] == 0)
			return HS_EINVAL;
	}
	return 0;
}

int
feed_cvss4_score(const char *vector, double *score)
{
	char		 v[M_COUNT], av, pr, ui, vc, vi, va, msi, msa;
	const char	*const *l1, *const *l2, *const *l3, *const *l4, *const *l5;
	const char	*parts[5];
	int		 eq1, eq2, eq3, eq4, eq5, eq6, value, lower, left, right;
	int		 dist[NELEM(cvss4_levels)], found = 0, n = 0, lv, i;
	int		 next[5], depth[5], cur[5];
	double		 mean = 0, s;

	if (cvss4_parse(vector, v) != 0)
		return HS_EINVAL;
	if (cvss4_effective(v, M_VC) == 'N' && cvss4_effective(v, M_VI) == 'N' &&
	    cvss4_effective(v, M_VA) == 'N' && cvss4_effective(v, M_SC) == 'N' &&
	    cvss4_effective(v, M_SI) == 'N' && cvss4_effective(v, M_SA) == 'N') {
		*score = 0;
		return 0;
	}

	av = cvss4_effective(v, M_AV);
	pr = cvss4_effective(v, M_PR);
	ui = cvss4_effective(v, M_UI);
	if (av == 'N' && pr == 'N' && ui == 'N')
		eq1 = 0;
	else if ((av == 'N' || pr == 'N' || ui == 'N') && av != 'P')
		eq1 = 1;
	else
		eq1 = 2;
	eq2 = cvss4_effective(v, M_AC) == 'L' && cvss4_effective(v, M_AT) == 'N' ?
	    0 : 1;
	vc = cvss4_effective(v, M_VC);
	vi = cvss4_effective(v, M_VI);
	va = cvss4_effective(v, M_VA);
	if (vc == 'H' && vi == 'H')
		eq3 = 0;
	else if (vc == 'H' || vi == 'H' || va == 'H')
		eq3 = 1;
	else
		eq3 = 2;
	msi = v[M_MSI];
	msa = v[M_MSA];
	if (msi == 'S' || msa == 'S')
		eq4 = 0;
	else if (cvss4_effective(v, M_SC) == 'H' || cvss4_effective(v, M_SI) == 'H' ||
	    cvss4_effective(v, M_SA) == 'H')
		eq4 = 1;
	else
		eq4 = 2;
	switch (cvss4_effective(v, M_E)) {
	case 'A': eq5 = 0; break;
	case 'P': eq5 = 1; break;
	default: eq5 = 2; break;
	}
	eq6 = (cvss4_effective(v, M_CR) == 'H' && vc == 'H') ||
	    (cvss4_effective(v, M_IR) == 'H' && vi == 'H') ||
	    (cvss4_effective(v, M_AR) == 'H' && va == 'H') ? 0 : 1;
	if ((value = cvss4_macro(eq1, eq2, eq3, eq4, eq5, eq6)) < 0 ||
	    cvss4_max_eq3[eq3][eq6][0] == NULL)
		return HS_EINVAL;

	/* The next lower MacroVector of each EQ (eq3 and eq6 together). */
	next[0] = cvss4_macro(eq1 + 1, eq2, eq3, eq4, eq5, eq6);
	next[1] = cvss4_macro(eq1, eq2 + 1, eq3, eq4, eq5, eq6);
	if (eq3 == 0 && eq6 == 0) {
		left = cvss4_macro(eq1, eq2, eq3, eq4, eq5, eq6 + 1);
		right = cvss4_macro(eq1, eq2, eq3 + 1, eq4, eq5, eq6);
		next[2] = left > right ? left : right;
	} else if (eq6 == 1 && eq3 < 2)
		next[2] = cvss4_macro(eq1, eq2, eq3 + 1, eq4, eq5, eq6);
	else if (eq3 == 1 && eq6 == 0)
		next[2] = cvss4_macro(eq1, eq2, eq3, eq4, eq5, eq6 + 1);
	else
		next[2] = cvss4_macro(eq1, eq2, eq3 + 1, eq4, eq5, eq6 + 1);
	next[3] = cvss4_macro(eq1, eq2, eq3, eq4 + 1, eq5, eq6);
	next[4] = cvss4_macro(eq1, eq2, eq3, eq4, eq5 + 1, eq6);

	/*
	 * The first of the MacroVector's highest-severity vectors that is no
	 * less severe than this one in any metric: the distances to it.
	 */
	for (l1 = cvss4_max_eq1[eq1]; !found && *l1 != NULL; l1++)
	for (l2 = cvss4_max_eq2[eq2]; !found && *l2 != NULL; l2++)
	for (l3 = cvss4_max_eq3[eq3][eq6]; !found && *l3 != NULL; l3++)
	for (l4 = cvss4_max_eq4[eq4]; !found && *l4 != NULL; l4++)
	for (l5 = cvss4_max_eq5[eq5]; !found && *l5 != NULL; l5++) {
		parts[0] = *l1;
		parts[1] = *l2;
		parts[2] = *l3;
		parts[3] = *l4;
		parts[4] = *l5;
		found = 1;
		for (i = 0; i < (int)NELEM(cvss4_levels); i++) {
			lv = -1;
			for (n = 0; n < 5 && lv < 0; n++)
				lv = cvss4_part_level(parts[n], i);
			dist[i] = cvss4_level(cvss4_levels[i].levels,
			    cvss4_levels[i].first,
			    cvss4_effective(v, cvss4_levels[i].m)) - lv;
			if (dist[i] < 0)
				found = 0;
		}
	}
	/* dist[] by cvss4_levels' order: AV PR UI AC AT VC VI VA SC SI SA CR IR AR E */
	cur[0] = dist[0] + dist[1] + dist[2];
	cur[1] = dist[3] + dist[4];
	cur[2] = dist[5] + dist[6] + dist[7] + dist[11] + dist[12] + dist[13];
	cur[3] = dist[8] + dist[9] + dist[10];
	cur[4] = 0;
	depth[0] = cvss4_depth_eq1[eq1];
	depth[1] = cvss4_depth_eq2[eq2];
	depth[2] = cvss4_depth_eq3eq6[eq3][eq6];
	depth[3] = cvss4_depth_eq4[eq4];
	depth[4] = 1;

	/*
	 * Each EQ with a lower MacroVector moves the score toward it by the
	 * share of its depth this vector is below the highest; the mean of
	 * those moves is taken off the MacroVector's score.
	 */
	for (i = 0, n = 0; i < 5; i++) {
		if ((lower = next[i]) < 0)
			continue;
		n++;
		mean += (value - lower) / 10.0 * cur[i] / depth[i];
	}
	if (n > 0)
		mean /= n;
	s = value / 10.0 - mean;
	if (s < 0)
		s = 0;
	if (s > 10)
		s = 10;
	/* One decimal, halves up (the calculator's epsilon against 0.x49999…). */
	*score = (long)((s + 1e-6) * 10 + 0.5) / 10.0;
	return 0;
}

/*
 * stages/catalogue.h — MEASURES, the one list of measures: it names each,
 * says which table holds it, defines it in a sentence, gives its formula
 * and source, and fixes the order of the measure columns of
 * specialisation.csv, units.csv and classes.csv.  Adding a measure is one
 * row here, one kernel, one reference test, and its value in the table
 * maker (tables.c).  Included by catalogue.c and tables.c only.
 */
#ifndef S3_CATALOGUE_H
#define S3_CATALOGUE_H

/* id, name, table, definition, formula, source */
#define MEASURES(X)                                                            \
    X(M_VALUE, "value", "specialisation",                                      \
      "The count of the unit in the class: tenants, employees or fractional "  \
      "patents.",                                                              \
      "x_cp", "-")                                                             \
    X(M_SHARE, "share", "specialisation",                                      \
      "The class's share of the unit's total.", "s_cp = x_cp / x_c", "-")      \
    X(M_RCA, "rca", "specialisation",                                          \
      "Location quotient (revealed comparative advantage): the unit's share "  \
      "of the class relative to the network's share; above 1 means "           \
      "over-represented.",                                                     \
      "RCA_cp = (x_cp / x_c) / (x_p / x)", "Balassa (1965)")                   \
    X(M_RSCA, "rsca", "specialisation",                                        \
      "Symmetric RCA, from -1 to 1, 0 where the unit matches the network.",    \
      "(RCA - 1) / (RCA + 1)", "Dalum, Laursen & Villumsen (1998)")            \
    X(M_SPEC, "specialised", "specialisation",                                 \
      "1 where RCA reaches the model's threshold (and, under the model's "     \
      "significant rule, the q-value is at most alpha), else 0.  With "        \
      "reference = baseline, on a matrix whose classes the baseline covers, "  \
      "the RCA is rca_baseline and the test's shares the region's.",           \
      "M_cp = [RCA_cp >= threshold] (and [q_cp <= alpha])",                    \
      "Hidalgo et al. (2007)")                                                 \
    X(M_RCAB, "rca_baseline", "specialisation",                                \
      "Location quotient against the external baseline (e.g. regional "        \
      "employment) instead of the network: over the baseline's sector "        \
      "aggregates, and over the model's classes where the baseline covers "    \
      "them (each class the sum of baseline rows that hold only it).",         \
      "(x_cp / x_c) / (b_p / b)", "Balassa (1965)")                            \
    X(M_RCALO, "rca_low", "specialisation",                                    \
      "Lower limit of the RCA's confidence interval at the model's level: "    \
      "the exact Poisson interval of the count divided by the count the "      \
      "network's shares (with reference = baseline where it applies, the "     \
      "region's) would give (none for employees, who are not independent "     \
      "records).",                                                             \
      "G^-1((1 - level) / 2; x_cp) / (x_c x_p / x), G the gamma quantile",     \
      "Garwood (1936); Beyene & Moineddin (2005)")                             \
    X(M_RCAHI, "rca_high", "specialisation",                                   \
      "Upper limit of the RCA's confidence interval.",                         \
      "G^-1((1 + level) / 2; x_cp + 1) / (x_c x_p / x)",                       \
      "Garwood (1936); Beyene & Moineddin (2005)")                             \
    X(M_PVAL, "p_value", "specialisation",                                     \
      "How likely a count this high is by chance: the probability that a "     \
      "unit with the network's class shares (with reference = baseline "       \
      "where it applies, the region's) holds at least this many of its "       \
      "records in the class (one-sided binomial test; fractional patent "      \
      "counts through the incomplete beta function; employee matrices take "   \
      "their tenants' test).",                                                 \
      "P(X >= x_cp), X ~ Bin(x_c, x_p / x); = I_{x_p/x}(x_cp, x_c - x_cp + "   \
      "1)",                                                                    \
      "Abramowitz & Stegun (1964) 26.5.24")                                    \
    X(M_QVAL, "q_value", "specialisation",                                     \
      "The p-value adjusted for testing every cell of the matrix at once: "    \
      "the smallest false discovery rate at which the cell counts as "         \
      "significant.",                                                          \
      "q_(i) = min(1, min_{j >= i} p_(j) m / j), p sorted, m cells",           \
      "Benjamini & Hochberg (1995)")                                           \
    X(M_PSPEC, "p_specialised", "specialisation",                              \
      "How often the cell stays specialised when the data are drawn again: "   \
      "the share of bootstrap draws (every centre's tenants resampled with "   \
      "replacement, or a long table's counts multinomially) in which it is "   \
      "specialised under the model's rule.  For the matrices the score "       \
      "rests on and the centres' patents (their counts drawn "                 \
      "multinomially), with resample = records.",                              \
      "P*(M*_cp = 1) over the draws", "Efron & Tibshirani (1993)")             \
    X(M_TOTAL, "total", "units", "The unit's total count.", "x_c", "-")        \
    X(M_DIV, "diversity", "units",                                             \
      "Number of classes in which the unit is specialised.",                   \
      "k_c = sum_p M_cp", "Hidalgo & Hausmann (2009)")                         \
    X(M_KRUG, "krugman", "units",                                              \
      "Krugman dissimilarity: how far the unit's profile is from the "         \
      "network's, 0 (identical) to 2 (nothing in common).",                    \
      "K_c = sum_p |s_cp - s_p|", "Krugman (1991)")                            \
    X(M_HOOV, "hoover", "units",                                               \
      "Hoover coefficient: the share of the unit's activity that would have "  \
      "to move to match the network's profile (half of Krugman).",             \
      "K_c / 2", "Hoover (1936)")                                              \
    X(M_HERF, "herfindahl", "units",                                           \
      "Herfindahl index of concentration over classes, 1/n (even) to 1 (one "  \
      "class).",                                                               \
      "H_c = sum_p s_cp^2", "Herfindahl (1950)")                               \
    X(M_ENTR, "entropy", "units",                                              \
      "Shannon entropy of the unit's shares over the classes of the model's "  \
      "level, in bits; higher is more diverse.",                               \
      "E_c = -sum_p s_cp log2 s_cp", "Shannon (1948)")                         \
    X(M_RV, "related_variety", "units",                                        \
      "Related variety: entropy within groups of related classes (the NACE "   \
      "codes as given, e.g. classes, within their division; WIPO fields "      \
      "within sectors); 0 where each group holds one class.",                  \
      "RV_c = sum_g P_g H_g", "Frenken, Van Oort & Verburg (2007)")            \
    X(M_UV, "unrelated_variety", "units",                                      \
      "Unrelated variety: entropy between groups (NACE divisions; WIPO "       \
      "sectors); RV + UV = entropy of the finest classes.  At division "       \
      "level the model's classes are these groups, so UV equals entropy.",     \
      "UV_c = -sum_g P_g log2 P_g", "Frenken, Van Oort & Verburg (2007)")      \
    X(M_ECI, "eci", "units",                                                   \
      "Economic complexity index: how many specialisations the unit has and "  \
      "how rare they are, from the eigenvector of the second-largest "         \
      "eigenvalue; mean 0, standard deviation 1 over the units.",              \
      "eigenvector 2 of D^-1 M U^-1 M^T, standardised, sign of diversity",     \
      "Hidalgo & Hausmann (2009)")                                             \
    X(M_ECIR, "eci_reflections", "units",                                      \
      "ECI by the method of reflections (the model's number of iterations, "   \
      "last even order), standardised.",                                       \
      "k_c,n = sum_p M_cp k_p,n-1 / k_c,0", "Hidalgo & Hausmann (2009)")       \
    X(M_COI, "coi", "units",                                                   \
      "Complexity outlook: how much complexity lies close to what the unit "   \
      "already does.",                                                         \
      "COI_c = sum_p density_cp (1 - M_cp) PCI_p", "Hausmann et al. (2014)")   \
    X(M_CTOTAL, "total", "classes", "The class's total count.", "x_p", "-")    \
    X(M_UBIQ, "ubiquity", "classes",                                           \
      "Number of units specialised in the class.", "k_p = sum_c M_cp",         \
      "Hidalgo & Hausmann (2009)")                                             \
    X(M_GINI, "locational_gini", "classes",                                    \
      "Locational Gini: how concentrated the class is compared with the "      \
      "units' total activity, 0 (spread like the total) to 0.5.",              \
      "area between the Lorenz curve of x_cp/x_p ordered by RCA and the "      \
      "diagonal",                                                              \
      "Krugman (1991); as EconGeo locational.Gini")                            \
    X(M_PCI, "pci", "classes",                                                 \
      "Product (class) complexity index: how rare and how demanding a class "  \
      "is, the class-side counterpart of ECI; mean 0, sd 1 over the classes.", \
      "eigenvector 2 of U^-1 M^T D^-1 M, standardised, sign of mean ECI of "   \
      "holders",                                                               \
      "Hidalgo & Hausmann (2009)")                                             \
    X(M_PCIR, "pci_reflections", "classes",                                    \
      "PCI by the method of reflections (last odd order), standardised.",      \
      "k_p,n = sum_c M_cp k_c,n-1 / k_p,0", "Hidalgo & Hausmann (2009)")       \
    X(M_PROX, "proximity", "proximity",                                        \
      "Proximity of two classes: the lower of the two probabilities of being " \
      "specialised in one given the other.",                                   \
      "phi_pq = sum_c M_cp M_cq / max(k_p, k_q)",                              \
      "Hidalgo, Klinger, Barabasi & Hausmann (2007)")                          \
    X(M_UPROX, "proximity", "unit_proximity",                                  \
      "Proximity of two units: the lower of the two shares of one's "          \
      "specialisations that the other holds too.",                             \
      "phi_cd = sum_p M_cp M_dp / max(k_c, k_d)", "Hidalgo et al. (2007)")     \
    X(M_DENS, "density", "potentials",                                         \
      "Relatedness density: the share, weighted by relatedness, of a class's " \
      "neighbours in which the unit is already specialised (0-1).",            \
      "omega_cp = sum_q M_cq phi_pq / sum_q phi_pq",                           \
      "Hidalgo et al. (2007); Balland et al. (2019)")                          \
    X(M_COG, "cog", "potentials",                                              \
      "Complexity outlook gain: how much moving into the class would raise "   \
      "the unit's complexity outlook.",                                        \
      "COG_cp = (1 - M_cp) sum_q (phi_pq / sum_r phi_rq) (1 - M_cq) PCI_q",    \
      "Hausmann et al. (2014)")                                                \
    X(M_QUAD, "quadrant", "potentials",                                        \
      "Where an opportunity lies (ideal; low risk, low gain; high risk, high " \
      "gain; least attractive): relatedness high where the density reaches "   \
      "the split over every opportunity of the matrix (one line for the "      \
      "network) and is above 0, complexity high where the PCI is at least "    \
      "0.",                                                                    \
      "high density: omega_cp >= split (median by default) and > 0; high "     \
      "complexity: PCI_p >= 0",                                                \
      "Balland, Boschma, Crespo & Rigby (2019)")                               \
    X(M_ORANK, "opportunity_rank", "potentials",                               \
      "Rank of a class the unit is not specialised in: highest density "       \
      "first, then highest PCI.",                                              \
      "-", "-")                                                                \
    X(M_COOC, "cooccurrence", "relatedness",                                   \
      "Number of patents that hold both technology fields.", "C_pq", "-")      \
    X(M_ASSOC, "association", "relatedness",                                   \
      "Association strength of two fields' co-occurrence.",                    \
      "C_ij t / (s_i s_j)", "van Eck & Waltman (2009); EconGeo")               \
    X(M_PROB, "probability", "relatedness",                                    \
      "Probabilistic association strength (combinations without "              \
      "repetition).",                                                          \
      "C_ij / ((s_i s_j/(t-s_j) + s_i s_j/(t-s_i)) / 2)",                      \
      "Steijn (2017); EconGeo")                                                \
    X(M_COS, "cosine", "relatedness", "Cosine of two fields' co-occurrence.",  \
      "C_ij / sqrt(s_i s_j)", "van Eck & Waltman (2009); EconGeo")             \
    X(M_JAC, "jaccard", "relatedness", "Jaccard index of co-occurrence.",      \
      "C_ij / (s_i + s_j - C_ij)", "van Eck & Waltman (2009); EconGeo")

enum {
#define X(id, n, t, d, f, s) id,
    MEASURES(X)
#undef X
        M_COUNT
};

#endif /* S3_CATALOGUE_H */

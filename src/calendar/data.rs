//! 内置节假日数据 — the State Council holiday arrangements 2007–2026, embedded in the binary.
//!
//! Source files live in `data/holidays/` (see its README.md for provenance: NateScarlet/holiday-cn,
//! MIT License, Copyright (c) 2019 NateScarlet). One file per arrangement year.

/// (arrangement year, file text) for every shipped year, oldest first.
pub(crate) static BUILTIN_YEARS: &[(i16, &str)] = &[
    (2007, include_str!("../../data/holidays/2007.yaml")),
    (2008, include_str!("../../data/holidays/2008.yaml")),
    (2009, include_str!("../../data/holidays/2009.yaml")),
    (2010, include_str!("../../data/holidays/2010.yaml")),
    (2011, include_str!("../../data/holidays/2011.yaml")),
    (2012, include_str!("../../data/holidays/2012.yaml")),
    (2013, include_str!("../../data/holidays/2013.yaml")),
    (2014, include_str!("../../data/holidays/2014.yaml")),
    (2015, include_str!("../../data/holidays/2015.yaml")),
    (2016, include_str!("../../data/holidays/2016.yaml")),
    (2017, include_str!("../../data/holidays/2017.yaml")),
    (2018, include_str!("../../data/holidays/2018.yaml")),
    (2019, include_str!("../../data/holidays/2019.yaml")),
    (2020, include_str!("../../data/holidays/2020.yaml")),
    (2021, include_str!("../../data/holidays/2021.yaml")),
    (2022, include_str!("../../data/holidays/2022.yaml")),
    (2023, include_str!("../../data/holidays/2023.yaml")),
    (2024, include_str!("../../data/holidays/2024.yaml")),
    (2025, include_str!("../../data/holidays/2025.yaml")),
    (2026, include_str!("../../data/holidays/2026.yaml")),
];

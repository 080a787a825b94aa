"""NB6xx: data-science API misuse."""

#: code -> "module:Class" (never reuse a released code)
RULES = {
    "NB601": "nb601_chain_indexing:ChainIndexing",
    "NB602": "nb602_df_values:DataFrameValues",
    "NB603": "nb603_inplace_result_lost:InplaceResultLost",
    "NB604": "nb604_dtype_not_set:DtypeNotSet",
    "NB605": "nb605_merge_params_not_set:MergeParamsNotSet",
    "NB606": "nb606_nan_equality:NanEquality",
    "NB607": "nb607_empty_column_init:EmptyColumnInit",
    "NB608": "nb608_unnecessary_iteration:UnnecessaryIteration",
    "NB609": "nb609_hyperparameters_implicit:HyperparametersImplicit",
    "NB611": "nb611_data_leakage:DataLeakage",
    "NB612": "nb612_threshold_only_metric:ThresholdOnlyMetric",
    "NB613": "nb613_gradients_not_cleared:GradientsNotCleared",
    "NB614": "nb614_forward_called:ForwardCalled",
    "NB615": "nb615_fit_on_test_data:FitOnTestData",
}

#: Rules a user turns on with --select (each class says `default = False` too).
OFF_BY_DEFAULT = frozenset(
    {
        "NB601",
        "NB602",
        "NB604",
        "NB605",
        "NB607",
        "NB608",
        "NB609",
        "NB612",
        "NB613",
        "NB614",
    }
)

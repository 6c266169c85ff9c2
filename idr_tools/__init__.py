"""Python tooling of the identity_resolution dbt package: the demo and benchmark data generator
(`idr_tools.demo_data`) and the graph health report (`idr_tools.report`)."""

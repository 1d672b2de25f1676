"""ecsmock beside moto's `mock_aws`: one AWS."""

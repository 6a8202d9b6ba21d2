"""The demo ledger (演示数据): public reference data plus the programme the seed reports describe (``xiaodi demo``)."""

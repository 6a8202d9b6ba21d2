"""Demands (需求清单): talent, technology and project needs; 发榜/揭榜 claims and reviews; 点单/派单/接单 orders."""

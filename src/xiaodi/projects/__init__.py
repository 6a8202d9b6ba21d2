"""Projects (项目清单): agreements signed, projects and their stages to acceptance, milestones, funds, 调度."""

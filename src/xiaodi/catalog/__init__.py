"""The resource catalog (资源清单): technology achievements, research platforms and key labs, disciplines."""

"""Analytics dashboards: aggregate SQL, Plotly figures, the pages, course_analytics refresh."""

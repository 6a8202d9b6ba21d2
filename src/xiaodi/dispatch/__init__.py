"""The dispatch list (调度清单): every area's late and near deadlines in one list per unit or region.

``service.dispatch_list`` gathers them from the areas that have deadlines, named one by one: project milestones and
stalled projects (``projects.dispatch``, which also holds the 调度会 and escalation), the duties of 1+1+N pairings
(``bases.dispatch``) and the overdue steps of talents' one-stop applications (``talent.service``). It sits above
those areas, so none of them imports another to build the list.
"""
